# Signet in a container.
#
#   docker build -t signet .
#   docker run --rm -p 5050:5050 -v signet-data:/data signet
#
# State lives in the /data volume (one server per data dir). For a throw-away server:
#   docker run --rm -p 5050:5050 signet serve --host 0.0.0.0 --in-memory

# ---- build ----------------------------------------------------------------------------------------
# Swift 6.2 or newer is required: Package.swift says tools 6.0, but the dependency versions it asks for
# (Hummingbird 2.28, swift-log 1.16, ...) declare swift-tools-version 6.2, so a 6.0 or 6.1 image cannot
# resolve them. Any Swift >= 6.2 image works; bookworm matches the runtime stage below.
FROM swift:6.2-bookworm AS build

# GRDB links the system SQLite.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Manifest first, so dependency resolution is cached until Package.swift (or Package.resolved) changes.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# SwiftPM checks that every declared target's directory exists, so Tests/ comes along (it is not compiled).
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product signet --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/signet" /out/signet

# ---- runtime --------------------------------------------------------------------------------------
FROM debian:bookworm-slim

# libsqlite3-0: GRDB's SQLite. libstdc++6: still linked dynamically with --static-swift-stdlib.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libsqlite3-0 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin signet \
 && mkdir -p /data \
 && chown signet:signet /data

COPY --from=build /out/signet /usr/local/bin/signet

USER signet
WORKDIR /data
VOLUME /data
EXPOSE 5050

ENTRYPOINT ["signet"]
CMD ["serve", "--host", "0.0.0.0", "--data-dir", "/data"]
