# One image for the API and the worker; docker-compose picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/dashboard/package.json apps/dashboard/
COPY e2e/package.json e2e/
COPY examples/order-service/package.json examples/order-service/
COPY packages packages
# postinstall patches a dependency (see scripts/patches/).
COPY scripts/patches scripts/patches
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN npm run build -w @herald/dashboard
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
