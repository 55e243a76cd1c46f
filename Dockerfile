# syntax=docker/dockerfile:1
# Self-hosted Keywarden (`keywarden serve`): the Slack app plus the daily sweep and weekly
# digest on their schedules. Build: docker build -t keywarden .
# Run: see README, "Self-hosted in a container". test/unit/dockerfile.test.ts checks its shape.

# Build stage: compile TypeScript, then keep only the production dependencies.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace package's manifest too: npm ci links it into node_modules/@keywarden.
COPY packages/iam-simulator/package.json ./packages/iam-simulator/
# No install scripts: nothing Keywarden runs needs them (dynalite's LevelDB binding ships
# prebuilt), and the `node` devDependency's script would download a second Node.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/iam-simulator/tsconfig.json packages/iam-simulator/tsconfig.build.json ./packages/iam-simulator/
COPY packages/iam-simulator/src ./packages/iam-simulator/src
COPY src ./src
# The IAM simulator first: the embedded demo (and `doctor`) load its build, and src/ compiles against it.
RUN node node_modules/typescript/bin/tsc -p packages/iam-simulator/tsconfig.build.json \
 && node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime stage: Node 24 slim, the compiled code and production dependencies, not root.
FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    NODE_OPTIONS=--max-semi-space-size=4 \
    KEYWARDEN_HOME=/home/node/.keywarden
WORKDIR /app
# Owned by root and read-only to the process: it can write only its home (KEYWARDEN_HOME).
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# What node_modules/@keywarden/iam-simulator links to: its manifest and its build.
COPY --from=build /app/packages/iam-simulator/package.json ./packages/iam-simulator/
COPY --from=build /app/packages/iam-simulator/dist ./packages/iam-simulator/dist
COPY examples ./examples
# The command's entry: it checks the Node version, then loads dist/cli.js.
COPY bin ./bin
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/keywarden.js"]
CMD ["serve"]
