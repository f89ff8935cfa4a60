package io.khora.cluster;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for the futures the cluster layers hand each other. */
public final class Futures {
    private Futures() {
    }

    /** The failure behind the {@link CompletionException}/{@link ExecutionException} wrappers a future adds. */
    public static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
