package io.khora.internal.query;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed queries by text. Parsing does not depend on the entry type, and parsed queries are
 * immutable, so one parse serves every compile of the same text. Bounded crudely: when the cache
 * holds {@link #MAX_ENTRIES} texts it is emptied, which costs only re-parsing.
 */
final class ParseCache {
    /** The most texts kept. */
    static final int MAX_ENTRIES = 4096;

    private static final ConcurrentHashMap<String, ParsedQuery> CACHE = new ConcurrentHashMap<>();

    private ParseCache() {
    }

    /** The parsed form of {@code text}; throws {@link io.khora.QueryException} on a syntax error. */
    static ParsedQuery parse(String text) {
        ParsedQuery parsed = CACHE.get(text);
        if (parsed == null) {
            parsed = Parser.parse(text);
            if (CACHE.size() >= MAX_ENTRIES) {
                CACHE.clear();
            }
            ParsedQuery raced = CACHE.putIfAbsent(text, parsed);
            if (raced != null) {
                parsed = raced;
            }
        }
        return parsed;
    }

    /** The number of cached texts. */
    static int size() {
        return CACHE.size();
    }
}
