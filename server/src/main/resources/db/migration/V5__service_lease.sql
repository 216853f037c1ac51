-- One service per database until scale-out lands. The service that runs this
-- database's jobs holds its one row: who it is (an id made at its start, its
-- pid and host, when its process started), since when, and until when the hold
-- lasts unless renewed. It renews the row while it runs and clears `holder`
-- when it stops; a service that finds the row held and not expired refuses to
-- start, so that it never re-runs the jobs of another as "lost". Times come
-- from the database's clock. Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE service_lease (
  id                 INT PRIMARY KEY,
  holder             VARCHAR(64),
  pid                BIGINT,
  host               VARCHAR(255),
  process_started_at TIMESTAMP WITH TIME ZONE,
  data_dir           VARCHAR(4000),
  acquired_at        TIMESTAMP WITH TIME ZONE,
  renewed_at         TIMESTAMP WITH TIME ZONE,
  expires_at         TIMESTAMP WITH TIME ZONE
);

INSERT INTO service_lease (id) VALUES (1);
