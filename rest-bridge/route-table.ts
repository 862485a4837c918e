import type { BridgeRoute } from './bridge-route.ts';
import { DOCS_CATALOG_ROUTES } from './routes/docs-catalog-routes.ts';
import { ANALYTICS_ROUTES } from './routes/analytics-routes.ts';
import { API_KEY_ROUTES } from './routes/api-key-routes.ts';
import { AUTH_ROUTES } from './routes/auth-routes.ts';
import { MODULE_ROUTES } from './routes/module-routes.ts';
import { V1_ROUTES } from './routes/v1-routes.ts';
import { WEBHOOK_ROUTES } from './routes/webhook-routes.ts';
import { AUTOMATION_ROUTES } from './routes/automation-routes.ts';
import { BULK_ROUTES } from './routes/bulk-routes.ts';

/** Every legacy route the bridge translates into a GraphQL operation (CONTRACT.md section 5). */
export const BRIDGE_ROUTES: readonly BridgeRoute[] = [...AUTH_ROUTES, ...API_KEY_ROUTES, ...MODULE_ROUTES, ...V1_ROUTES, ...WEBHOOK_ROUTES, ...AUTOMATION_ROUTES, ...ANALYTICS_ROUTES, ...DOCS_CATALOG_ROUTES, ...BULK_ROUTES];
