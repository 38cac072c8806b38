-- an application's own first migration, at Flyway's default location in a real application
CREATE TABLE orders (
    id     BIGINT      NOT NULL PRIMARY KEY,
    status VARCHAR(20) NOT NULL
);
