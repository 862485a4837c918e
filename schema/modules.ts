import type { Tier } from './tiers.ts';

/**
 * The 30-module catalog (CONTRACT.md section 5, seed 001). Modules are upstream
 * services: the gateway gives each a federated face (one subgraph per module),
 * gates it by tier and proxies to its configured URL.
 */
export const MODULE_CATEGORIES = ['Infrastructure', 'Advanced', 'Content', 'Legal', 'Knowledge', 'Health', 'Automation'] as const;
export type ModuleCategory = (typeof MODULE_CATEGORIES)[number];

/** A typed operation a seed documents for a module, mapped onto one upstream call. */
export interface TypedOperation {
  readonly field: string;
  readonly operation: 'query' | 'mutation';
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** GraphQL argument name → type; GET sends them as the query string, POST as a JSON body. */
  readonly args: Readonly<Record<string, string>>;
  readonly description: string;
}

export interface ModuleDefinition {
  readonly slug: string;
  readonly name: string;
  readonly category: ModuleCategory;
  readonly tier: Tier;
  readonly operations: readonly TypedOperation[];
}

const module = (slug: string, name: string, category: ModuleCategory, tier: Tier, operations: TypedOperation[] = []): ModuleDefinition => ({
  slug,
  name,
  category,
  tier,
  operations,
});

export const MODULE_CATALOG: readonly ModuleDefinition[] = [
  module('fundraising', 'Fundraising', 'Infrastructure', 'free'),
  module('marketing', 'Marketing', 'Infrastructure', 'pro'),
  module('design-hub', 'Design Hub', 'Infrastructure', 'pro'),
  module('social-media', 'Social Media', 'Infrastructure', 'free'),
  module('customer-service', 'Customer Service', 'Infrastructure', 'pro'),
  module('bookkeeping', 'Bookkeeping', 'Infrastructure', 'pro'),
  module('email-campaigns', 'Email Campaigns', 'Infrastructure', 'pro'),
  module('project-manager', 'Project Manager', 'Infrastructure', 'pro'),
  module('testing-suite', 'Testing Suite', 'Infrastructure', 'enterprise'),
  module('shopping-cart', 'Shopping Cart', 'Infrastructure', 'free'),
  module('code-sandbox', 'Code Sandbox', 'Advanced', 'free', [
    {
      field: 'execute',
      operation: 'mutation',
      method: 'POST',
      path: '/execute',
      args: { code: 'String!', language: 'String!' },
      description: 'Runs code in the sandbox (POST /execute).',
    },
  ]),
  module('drone-system', 'Drone System', 'Advanced', 'enterprise'),
  module('voice-assistant', 'Voice Assistant', 'Advanced', 'pro'),
  module('video-editing', 'Video Editing', 'Content', 'pro'),
  module('podcast-production', 'Podcast Production', 'Content', 'pro'),
  module('stock-media', 'Stock Media', 'Content', 'pro'),
  module('music-production', 'Music Production', 'Content', 'pro'),
  module('content-repurposing', 'Content Repurposing', 'Content', 'pro'),
  module('seo-content', 'SEO Content', 'Content', 'pro'),
  module('corruption-mapping', 'Corruption Mapping', 'Legal', 'free'),
  module('pattern-security', 'Pattern Security', 'Legal', 'pro'),
  module('law-module', 'Law Module', 'Legal', 'pro'),
  module('legal-documents', 'Legal Documents', 'Legal', 'pro'),
  module('spreadsheet-brain', 'Spreadsheet Brain', 'Knowledge', 'free'),
  module('data-crystals', 'Data Crystals', 'Knowledge', 'pro'),
  module('data-analytics', 'Data Analytics', 'Knowledge', 'pro', [
    {
      field: 'query',
      operation: 'mutation',
      method: 'POST',
      path: '/query',
      args: { query: 'String!' },
      description: 'Asks a question of the data (POST /query).',
    },
  ]),
  module('personal-trainer', 'Personal Trainer', 'Health', 'free', [
    {
      field: 'workoutPlan',
      operation: 'query',
      method: 'GET',
      path: '/workout-plan',
      args: { goal: 'String', days: 'Int' },
      description: 'A workout plan (GET /workout-plan).',
    },
  ]),
  module('social-automation', 'Social Automation', 'Automation', 'pro'),
  module('jarvis-assistant', 'Jarvis Assistant', 'Automation', 'pro'),
  module('dropshipping', 'Dropshipping', 'Automation', 'pro'),
];

export const MODULE_SLUGS = MODULE_CATALOG.map((entry) => entry.slug);

const BY_SLUG = new Map(MODULE_CATALOG.map((entry) => [entry.slug, entry]));

export function findModule(slug: string): ModuleDefinition | undefined {
  return BY_SLUG.get(slug);
}

/** `code-sandbox` → `codeSandbox` (field) and `CodeSandbox` (type prefix). */
export function moduleFieldName(slug: string): string {
  return slug.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function moduleTypePrefix(slug: string): string {
  const field = moduleFieldName(slug);
  return field.charAt(0).toUpperCase() + field.slice(1);
}
