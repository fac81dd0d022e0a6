-- The warehouse's own database and login role, beside Airflow's metadata database.
--
-- Run once by the postgres image on its first start (mounted in docker-entrypoint-initdb.d,
-- run by psql as the POSTGRES_USER superuser). The password comes from the environment
-- (WAREHOUSE_PASSWORD, from .env), never from this file. The warehouse role cannot connect
-- to the metadata database, so the tasks' warehouse credentials reach only the warehouse.
--
-- By hand: WAREHOUSE_PASSWORD=... psql -v ON_ERROR_STOP=1 -f create-warehouse-db.sql
-- (WAREHOUSE_DB and WAREHOUSE_USER override the names, default warehouse and workforce).

\set ON_ERROR_STOP 1
\getenv warehouse_password WAREHOUSE_PASSWORD
\getenv warehouse_db WAREHOUSE_DB
\getenv warehouse_user WAREHOUSE_USER
\getenv metadata_db POSTGRES_DB

\if :{?warehouse_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'WAREHOUSE_PASSWORD is not set (see .env.example)'; END $$;
\endif
\if :{?warehouse_db}
\else
\set warehouse_db warehouse
\endif
\if :{?warehouse_user}
\else
\set warehouse_user workforce
\endif

CREATE ROLE :"warehouse_user" LOGIN PASSWORD :'warehouse_password';
CREATE DATABASE :"warehouse_db" OWNER :"warehouse_user";
REVOKE ALL ON DATABASE :"warehouse_db" FROM PUBLIC;

\if :{?metadata_db}
REVOKE CONNECT, TEMPORARY ON DATABASE :"metadata_db" FROM PUBLIC;
\endif
