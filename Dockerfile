# refit in a container, for refit watch in a cluster (deploy/watch) or any
# one-off command. Static binary (CGO_ENABLED=0: the SQLite driver is pure
# Go), no shell, non-root.
#
#   docker build -t refit .
#   docker run --rm -v $PWD:/w refit watch --config /w/watch.yaml --check-config
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The release build (scripts/build.sh: CGO_ENABLED=0, -trimpath, -s -w); .git
# is left out of the context (.dockerignore), so the version is "dev".
RUN GOOS=linux ./scripts/build.sh /out/refit ./cmd/refit

# distroless static: CA certificates (Slack, S3 over HTTPS), tzdata (bill.timezone),
# /etc/passwd with nonroot (65532); nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/refit /refit
USER 65532:65532
EXPOSE 9464
ENTRYPOINT ["/refit"]
CMD ["--help"]
