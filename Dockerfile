# One image for every TrustSync process; the compose service or k8s Deployment picks the command.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/model/package.json packages/model/
COPY packages/db/package.json packages/db/
COPY packages/queue/package.json packages/queue/
COPY packages/connectors/package.json packages/connectors/
COPY packages/testing/package.json packages/testing/
COPY services/api/package.json services/api/
COPY services/sync-worker/package.json services/sync-worker/
COPY services/vendor-sandbox/package.json services/vendor-sandbox/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:20.19-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
# Overridden per service: services/api/dist/main.js, services/sync-worker/dist/main.js, …
CMD ["node", "services/api/dist/main.js"]
