# syntax=docker/dockerfile:1
# The gateway as a container: compiled in the first stage, served by plain node in
# the second. Not built on the project's machines (no container engine there);
# test/deploy/container-files.test.ts runs this CMD and HEALTHCHECK as plain processes.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# All dependencies: TypeScript compiles, the Prisma CLI generates the client (postinstall).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    PGLITE_DATA_DIR=/data/pglite \
    UPLOAD_DIR=/data/uploads
# glibc's malloc as npm start sets it: two arenas and fixed trim/mmap thresholds,
# so memory freed after start-up goes back (idle RSS about 30 MiB lower, bench/README.md).
ENV MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only. No install scripts: the Prisma client that
# `postinstall` would generate is already compiled into dist/prisma/generated.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's own user (uid 1000 in node images), owning only the data folder.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
# Node 20 has fetch; no curl in the slim image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form, node as PID 1's only process: SIGTERM reaches the gateway, which drains.
# The same command as package.json's "start" after its build step (a test keeps them equal).
CMD ["node", "--max-semi-space-size=64", "--max-old-space-size=512", "dist/gateway/app/main.js"]
