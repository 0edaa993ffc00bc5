# One image for every role: `node --import tsx src/main.ts hub|worker|all`.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PUPPETEER_SKIP_DOWNLOAD=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build-widget.mjs
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/main.ts", "all"]
