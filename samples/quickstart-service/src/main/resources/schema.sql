-- the service's own table (Spring Boot runs schema.sql on an embedded database)
CREATE TABLE orders (
    id     BIGINT      NOT NULL PRIMARY KEY,
    status VARCHAR(20) NOT NULL
);
