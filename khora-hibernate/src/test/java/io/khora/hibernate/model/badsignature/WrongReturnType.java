package io.khora.hibernate.model.badsignature;

import io.khora.annotation.SpaceInitialLoadQuery;

/** An initial-load query method that does not return the WHERE clause. */
public class WrongReturnType {
    @SpaceInitialLoadQuery(type = "io.khora.hibernate.model.Product")
    public int products() {
        return 42;
    }
}
