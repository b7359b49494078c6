# Tillpoint in a container: `docker build -t tillpoint .` then see compose.yaml (PostgreSQL and two
# server processes) and README "Running in production".
#
# Build stage: every dependency (the compilers of better-sqlite3, TypeScript, Vite), then
# `npm ci`, whose prepare step compiles the server to dist/ and the back office to web/dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund \
 && test -f dist/cli.js && test -f web/dist/index.html \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies, the compiled server and back office, nothing else; an
# unprivileged user; no database inside (mount a volume for SQLite, or point at PostgreSQL).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    TILLPOINT_DATABASE_URL=sqlite:/data/tillpoint.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready means migrated and the database answering; the orchestrator restarts what stays unready.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/tillpoint.mjs", "serve"]
