# targetbot: a static binary in a distroless image, running as non-root.
#   docker build -t targetbot .
#   docker run -p 8080:8080 -e TARGETBOT_STORE=redis://redis:6379/0 targetbot
# The Go version is the one go.mod names.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.Version=${VERSION}" -o /out/targetbot ./cmd/targetbot

# distroless/static has CA certificates and a nonroot user, and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/targetbot /usr/local/bin/targetbot
USER nonroot:nonroot
# bolt: stores need a writable folder; mount a volume here.
WORKDIR /data
ENV TARGETBOT_ADDR=:8080 \
    TARGETBOT_STORE=bolt:/data/targetbot.db
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["/usr/local/bin/targetbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/targetbot"]
CMD ["serve"]
