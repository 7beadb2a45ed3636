# Pitwall images, built from a clean clone with no local Go or Node.
#
#   docker build --target grafana  -t pitwall-grafana .   # Grafana 12.4 with the plugin (default target)
#   docker build --target producer -t pitwall-producer .  # the producer binary alone
#
# docker-compose.yml builds both. Stages:
#   frontend  (Node)  npm ci && npm run build          -> /src/dist (the datasource: module.js, plugin.json)
#                                                         /src/dist-panel (the leaderboard panel)
#   gobuild   (Go)    go tool mage backend dashboards   -> /src/dist (gpx_pitwall_linux_<arch>, its
#                                                         go_plugin_build_manifest, dashboards/)
#                     go build ./producer               -> /out/producer
#   producer          the producer on Alpine
#   grafana           grafana/grafana with the two plugins in /var/lib/grafana/plugins:
#                     pitwall-kafka-datasource (dist/) and pitwall-leaderboard-panel (dist-panel/)

ARG GO_VERSION=1.26.8
ARG NODE_VERSION=20.20.2
ARG GRAFANA_VERSION=12.4.10
ARG ALPINE_VERSION=3.22

FROM node:${NODE_VERSION}-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM golang:${GO_VERSION}-bookworm AS gobuild
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
COPY --from=frontend /src/dist ./dist
# The backend for this image's OS and architecture (the same as Grafana's below),
# and the plugin's copy of the dashboards for its Dashboards tab.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go tool mage -v backend dashboards \
 && test -s dist/go_plugin_build_manifest \
 && go build -trimpath -ldflags "-s -w" -o /out/producer ./producer

FROM alpine:${ALPINE_VERSION} AS producer
RUN apk add --no-cache ca-certificates tzdata \
 && adduser -D -H -u 10001 pitwall
COPY --from=gobuild /out/producer /usr/local/bin/producer
USER 10001
ENTRYPOINT ["/usr/local/bin/producer"]
CMD ["serve", "--demo", "--brokers", "kafka:9092", "--registry", "http://schema-registry:8081", "--format", "avro"]

FROM grafana/grafana:${GRAFANA_VERSION} AS grafana
# Each plugin folder is named after its plugin id, as `grafana cli plugins install` makes it.
COPY --from=gobuild --chown=472:0 /src/dist /var/lib/grafana/plugins/pitwall-kafka-datasource
COPY --from=frontend --chown=472:0 /src/dist-panel /var/lib/grafana/plugins/pitwall-leaderboard-panel
ENV GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=pitwall-kafka-datasource,pitwall-leaderboard-panel
