# PostgreSQL 15 from Debian's own package, for docker/compose.yaml (and CI, which cannot pull images).
# It reads the same variables and keeps its data in the same place as the official postgres:15 image:
# POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, /var/lib/postgresql/data. Unlike that image,
# POSTGRES_USER is an ordinary role owning POSTGRES_DB, not a superuser.
#
#   docker build -f docker/postgres.Dockerfile -t lagesbild-postgres:15 .

ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
ENV LANG=C.UTF-8
# postgresql-common's postinst would create a cluster in the image: create none.
RUN install -d /etc/postgresql-common/createcluster.d \
 && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint"]
CMD ["postgres"]
