import { z } from 'zod';
import { V1_SERVICES } from '../../schema/v1-services.ts';
import { listOf, ok, route, type BridgeRoute } from '../bridge-route.ts';

const JOB_FIELDS = 'id phaseName realTraining maxSteps batchSize status progress currentStep message modelId error createdAt completedAt';

const jobSchema = z.object({
  job_id: z.string(),
  phase_name: z.string(),
  real_training: z.boolean(),
  max_steps: z.number().int(),
  batch_size: z.number().int(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  progress: z.number(),
  current_step: z.number().int().nullable(),
  message: z.string().nullable(),
  model_id: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

const jobOf = (job: Record<string, any>): z.infer<typeof jobSchema> => ({
  job_id: job['id'],
  phase_name: job['phaseName'],
  real_training: job['realTraining'],
  max_steps: job['maxSteps'],
  batch_size: job['batchSize'],
  status: job['status'],
  progress: job['progress'],
  current_step: job['currentStep'],
  message: job['message'],
  model_id: job['modelId'],
  error: job['error'],
  created_at: job['createdAt'],
  completed_at: job['completedAt'],
});

/** The /v1 service whose upstream answers a route (schema/v1-services.ts). */
const serviceOf = (route: string): string => V1_SERVICES.find((service) => (service.routes as readonly string[]).includes(route))?.name ?? 'its';

/** An upstream's own answer, which the seed never gave a shape: the document says whose it is. */
const upstreamAnswer = (route: string) => z.unknown().describe(`The ${serviceOf(route)} upstream's answer to ${route}, unchanged (null when it sent none): its shape is the upstream's`);

/** Read-only upstream answers with no documented shape pass through as they came. */
const passThrough = (path: string, field: string, summary: string): BridgeRoute =>
  route({
    method: 'GET',
    path,
    tag: 'v1',
    summary,
    response: upstreamAnswer(`GET ${path}`),
    operation: () => ({ document: `query Rest_${field} { ${field} }`, variables: {} }),
    result: (data) => data[field] ?? null,
  });

/** The AIVillage services (seed 002); `POST /v1/upload` is multipart and lives in gateway/http/v1-routes.ts. */
export const V1_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/v1/models/train',
    tag: 'v1',
    summary: 'Start a training job; progress arrives by callback, on /ws and as subscriptions',
    body: z.object({
      phase_name: z.string().min(1),
      real_training: z.boolean().optional(),
      max_steps: z.number().int().optional(),
      batch_size: z.number().int().optional(),
    }),
    response: jobSchema,
    successStatus: 202,
    operation: ({ body }) => ({
      document: `mutation RestStartTraining($input: StartTrainingInput!) { startTraining(input: $input) { ${JOB_FIELDS} } }`,
      variables: { input: { phaseName: body.phase_name, realTraining: body.real_training, maxSteps: body.max_steps, batchSize: body.batch_size } },
    }),
    result: ({ startTraining }) => ok(jobOf(startTraining), 202, 'Training job accepted'),
  }),
  route({
    method: 'GET',
    path: '/v1/models/train/{job_id}',
    tag: 'v1',
    summary: 'One of the caller’s training jobs',
    response: jobSchema,
    operation: ({ params }) => ({ document: `query RestTrainingJob($id: ID!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`, variables: { id: params['job_id'] } }),
    result: ({ trainingJob }) => jobOf(trainingJob),
  }),
  route({
    method: 'GET',
    path: '/v1/models',
    tag: 'v1',
    summary: 'Models the Agent Forge upstream lists',
    response: z.object({
      total: z.number().int(),
      items: z.array(z.object({ model_id: z.string(), name: z.string().nullable(), phase: z.string().nullable(), created_at: z.string().nullable() })),
    }),
    operation: () => ({ document: 'query RestModels { models { id name phase createdAt } }', variables: {} }),
    result: ({ models }) => listOf(models.map((model: Record<string, any>) => ({ model_id: model['id'], name: model['name'], phase: model['phase'], created_at: model['createdAt'] }))),
  }),
  route({
    method: 'POST',
    path: '/v1/chat',
    tag: 'v1',
    summary: 'Send a message to a model',
    body: z.object({ model_id: z.string().min(1), message: z.string().min(1), conversation_id: z.string().optional() }),
    response: z.object({ model_id: z.string(), conversation_id: z.string().nullable(), response: z.string().nullable(), details: z.unknown().describe("The agent-forge upstream's whole answer") }),
    operation: ({ body }) => ({
      document: 'mutation RestChat($input: ChatInput!) { chat(input: $input) { modelId conversationId response details } }',
      variables: { input: { modelId: body.model_id, message: body.message, conversationId: body.conversation_id } },
    }),
    result: ({ chat }) => ({ model_id: chat.modelId, conversation_id: chat.conversationId, response: chat.response, details: chat.details }),
  }),
  passThrough('/v1/p2p/status', 'p2pStatus', 'BitChat/BetaNet connectivity'),
  passThrough('/v1/fog/nodes', 'fogNodes', 'Fog computing nodes'),
  passThrough('/v1/tokens', 'tokens', 'FOG token balances and economics'),
  route({
    method: 'POST',
    path: '/v1/query',
    tag: 'v1',
    summary: 'Ask the knowledge service; other body fields are passed along as options',
    body: z.looseObject({ query: z.string().min(1) }),
    response: upstreamAnswer('POST /v1/query'),
    operation: ({ body }) => {
      const { query, ...options } = body as { query: string } & Record<string, unknown>;
      return { document: 'query RestKnowledgeQuery($query: String!, $options: JSON) { knowledgeQuery(query: $query, options: $options) }', variables: { query, options } };
    },
    result: ({ knowledgeQuery }) => knowledgeQuery ?? null,
  }),
];
