import { z } from 'zod';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { Prisma, type Upload } from '../../prisma/generated/client.ts';
import { insufficientPermissions, notFound, validationError } from '../../core/errors/errors.ts';
import { upstreamCaller } from '../shared/call-upstream.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { readUploadTicket, uploadLink } from '../../core/signatures/upload-links.ts';
import { isUuid } from '../shared/ids.ts';

const SERVICE = 'knowledge';
const SUBJECT = `Service '${SERVICE}'`;

const queryArgs = z.object({
  query: z.string().trim().min(1, 'must not be empty').max(10_000),
  options: z.record(z.string(), z.unknown()).nullish(),
});
const firstArg = z.object({ first: z.number().int().min(1).max(100).nullish().transform((value) => value ?? 20) });

export function knowledgeResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma } = services;
  const upstream = upstreamCaller(services.moduleUpstreams, SERVICE, SUBJECT);
  const uploadsOf = (ownerId: string, first: number) => prisma.upload.findMany({ where: { ownerId }, orderBy: { createdAt: 'desc' }, take: first });

  const forward = async (upload: Upload, context: SubgraphContext): Promise<Upload> => {
    const expiresAt = Math.floor(Date.now() / 1000) + services.v1.uploadLinkTtlSeconds;
    try {
      const answer = await upstream.json(
        {
          method: 'POST',
          path: '/v1/upload',
          body: {
            upload_id: upload.id,
            filename: upload.filename,
            content_type: upload.contentType,
            size_bytes: upload.sizeBytes,
            sha256: upload.sha256,
            url: uploadLink({ publicUrl: services.v1.publicUrl(), secret: services.v1.secret, uploadId: upload.id, expiresAt }),
            url_expires_at: new Date(expiresAt * 1000).toISOString(),
          },
        },
        context,
      );
      return prisma.upload.update({
        where: { id: upload.id },
        data: { status: 'forwarded', upstreamReference: (answer ?? Prisma.JsonNull) as Prisma.InputJsonValue },
      });
    } catch (error) {
      // The file and its record stay; the status says the upstream was not told.
      return prisma.upload.update({ where: { id: upload.id }, data: { status: 'failed', error: (error as Error).message } });
    }
  };

  return {
    Query: {
      knowledgeQuery: (_parent, args: unknown, context: SubgraphContext) => {
        const input = validInput(queryArgs, args);
        return upstream.json({ method: 'POST', path: '/v1/query', body: { ...input.options, query: input.query } }, context);
      },
      uploads: (_parent, args: unknown, context: SubgraphContext) => uploadsOf(requirePrincipal(context).userId, validInput(firstArg, args).first),
      upload: async (_parent, args: { id: string }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const upload = isUuid(args.id) ? await prisma.upload.findUnique({ where: { id: args.id } }) : null;
        if (!upload || (upload.ownerId !== principal.userId && principal.tier !== 'admin')) throw notFound(`Upload '${args.id}' not found`);
        return upload;
      },
    },
    Mutation: {
      registerUpload: async (_parent, args: { ticket: string }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const ticket = readUploadTicket(services.v1.secret, args.ticket);
        if (!ticket) throw validationError('Invalid or expired upload ticket', 'ticket');
        if (ticket.ownerId !== principal.userId) throw insufficientPermissions('This upload ticket belongs to someone else');
        let upload: Upload;
        try {
          upload = await prisma.upload.create({
            data: {
              ownerId: ticket.ownerId,
              filename: ticket.filename,
              contentType: ticket.contentType,
              sizeBytes: ticket.sizeBytes,
              sha256: ticket.sha256,
              storageKey: ticket.storageKey,
            },
          });
        } catch (error) {
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
            throw validationError('This upload ticket was already used', 'ticket');
          }
          throw error;
        }
        return forward(upload, context);
      },
    },
    Upload: {
      __resolveReference: (reference: { id: string }) =>
        isUuid(reference.id) ? prisma.upload.findUnique({ where: { id: reference.id } }) : null,
      owner: (upload: Upload) => ({ __typename: 'User', id: upload.ownerId }),
    },
    User: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      uploads: (user: { id: string }, args: unknown) => uploadsOf(user.id, validInput(firstArg, args).first),
    },
  } as GraphQLResolverMap<SubgraphContext>;
}
