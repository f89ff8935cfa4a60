package io.khora.hibernate;

/** The read-through contract on Postgres. */
class PostgresReadThroughTest extends ReadThroughContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
