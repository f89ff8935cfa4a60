package io.khora.hibernate.model.badquery;

import io.khora.annotation.SpaceInitialLoadQuery;

/** An initial-load query that does not parse. */
public class BrokenProductQuery {
    @SpaceInitialLoadQuery(type = "io.khora.hibernate.model.Product")
    public static String products() {
        return "category === 'tools' and";
    }
}
