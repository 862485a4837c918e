import type { PrismaClient } from '../../prisma/generated/client.ts';
import { successEnvelope } from '../../core/http/envelope.ts';
import { CALLBACK_SIGNATURE_HEADER, CALLBACK_TIMESTAMP_HEADER, TRAINING_CALLBACK_PATH } from '../../core/signatures/training-callback.ts';
import { signUploadTicket, UPLOAD_CONTENT_PATH, uploadIdFromLink } from '../../core/signatures/upload-links.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import type { UploadStore } from '../uploads/upload-store.ts';
import { receiveOneFile } from '../uploads/multipart-file.ts';
import type { RouteTable } from '../../core/http/exchange.ts';
import type { EdgeSteps } from '../edge/edge-steps.ts';
import type { trainingProgressAnswerSchema, uploadAnswerSchema } from './v1-answers.ts';
import type { z } from 'zod';
import { readBody } from '../../core/http/read-body.ts';
import { sendErrorEnvelope, sendErrorFromGraphQL, sendJson } from '../../core/http/respond.ts';

export interface V1RouteOptions {
  readonly execute: ExecuteOperation;
  readonly uploads: UploadStore;
  readonly prisma: PrismaClient;
  /** TRAINING_CALLBACK_SECRET: signs upload tickets and links. */
  readonly secret: Uint8Array;
}

const REPORT_PROGRESS = /* GraphQL */ `
  mutation ReportTrainingProgress($body: String!, $timestamp: String!, $signature: String!) {
    reportTrainingProgress(body: $body, timestamp: $timestamp, signature: $signature) { id status progress }
  }
`;

const REGISTER_UPLOAD = /* GraphQL */ `
  mutation RegisterUpload($ticket: String!) {
    registerUpload(ticket: $ticket) { id filename contentType sizeBytes sha256 status error createdAt }
  }
`;

type UploadAnswer = z.infer<typeof uploadAnswerSchema>;
type TrainingProgressAnswer = z.infer<typeof trainingProgressAnswerSchema>;

/** A ticket only has to outlive the one operation that redeems it. */
const TICKET_TTL_SECONDS = 120;

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * The /v1 hand-offs that are not plain operations: the upstream's signed
 * training callback, multipart uploads, and the signed download link an
 * upstream uses to fetch an uploaded file. Each ends in a GraphQL operation
 * (or a signed link the knowledge subgraph issued), so the subgraphs stay the
 * owners of their records.
 */
export function v1Routes(options: V1RouteOptions) {
  return (steps: EdgeSteps): RouteTable => ({
    [TRAINING_CALLBACK_PATH]: {
      // Not counted by the rate limiter: the upstream reports as often as it trains, and the signature is checked first thing.
      POST: async (exchange) => {
        const { request, response, requestId } = exchange;
        const timestamp = header(request.headers[CALLBACK_TIMESTAMP_HEADER]);
        const signature = header(request.headers[CALLBACK_SIGNATURE_HEADER]);
        if (!timestamp || !signature) {
          request.resume();
          return sendErrorEnvelope(response, requestId, 'AUTHENTICATION_REQUIRED', 'Missing X-Callback-Timestamp or X-Callback-Signature header');
        }
        const body = (await readBody(request, exchange.bodyLimitBytes)).toString('utf8');
        const result = await options.execute(REPORT_PROGRESS, { body, timestamp, signature }, steps.context(exchange));
        const [error] = result.errors;
        if (error) return sendErrorFromGraphQL(response, requestId, error);
        const job = result.data?.['reportTrainingProgress'] as { id: string; status: TrainingProgressAnswer['status']; progress: number };
        sendJson(response, 200, successEnvelope<TrainingProgressAnswer>({ job_id: job.id, status: job.status, progress: job.progress }, requestId));
      },
    },
    '/v1/upload': {
      POST: async (exchange) => {
        if (!(await steps.admit(exchange))) return void exchange.request.resume();
        const { request, response, requestId, principal } = exchange;
        if (!principal) {
          request.resume();
          return sendErrorEnvelope(response, requestId, 'AUTHENTICATION_REQUIRED');
        }
        const { file, result: stored } = await receiveOneFile(request, { field: 'file', expected: "a 'file' file field" }, (stream) => options.uploads.save(stream));
        const ticket = signUploadTicket(options.secret, {
          ...stored,
          ownerId: principal.userId,
          filename: file.filename.slice(0, 255),
          contentType: file.contentType.slice(0, 255),
          expiresAt: Math.floor(Date.now() / 1000) + TICKET_TTL_SECONDS,
        });
        const outcome = await options.execute(REGISTER_UPLOAD, { ticket }, steps.context(exchange)).catch(async (error: unknown) => {
          await options.uploads.remove(stored.storageKey);
          throw error;
        });
        const [error] = outcome.errors;
        if (error) {
          // Nothing recorded the file, so nothing may keep it.
          await options.uploads.remove(stored.storageKey);
          return sendErrorFromGraphQL(response, requestId, error);
        }
        const upload = outcome.data?.['registerUpload'] as {
          id: string;
          filename: string;
          contentType: string;
          sizeBytes: number;
          sha256: string;
          status: UploadAnswer['status'] | 'failed';
          error: string | null;
          createdAt: string;
        };
        if (upload.status === 'failed') {
          return sendErrorEnvelope(response, requestId, 'SERVICE_UNAVAILABLE', `Upload ${upload.id} was stored but the knowledge service could not take it: ${upload.error ?? 'unavailable'}`);
        }
        sendJson(
          response,
          201,
          successEnvelope<UploadAnswer>(
            {
              upload_id: upload.id,
              filename: upload.filename,
              content_type: upload.contentType,
              size_bytes: upload.sizeBytes,
              sha256: upload.sha256,
              status: upload.status,
              created_at: upload.createdAt,
            },
            requestId,
          ),
        );
      },
    },
    [UPLOAD_CONTENT_PATH]: {
      GET: async ({ response, requestId, url }) => {
        const id = uploadIdFromLink(options.secret, url.searchParams);
        if (!id) return sendErrorEnvelope(response, requestId, 'AUTHENTICATION_REQUIRED', 'Invalid or expired download link');
        const upload = await options.prisma.upload.findUnique({ where: { id } });
        const content = upload ? await options.uploads.open(upload.storageKey) : null;
        if (!upload || !content) return sendErrorEnvelope(response, requestId, 'RESOURCE_NOT_FOUND', `Upload '${id}' not found`);
        response.statusCode = 200;
        response.setHeader('Content-Type', upload.contentType);
        response.setHeader('Content-Length', content.sizeBytes);
        response.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(upload.filename)}`);
        response.setHeader('X-Content-SHA256', upload.sha256);
        content.stream.pipe(response);
      },
    },
  });
}
