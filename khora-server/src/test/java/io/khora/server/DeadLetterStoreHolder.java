package io.khora.server;

import io.khora.internal.writebehind.DeadLetterStore;

import java.nio.file.Path;

/** A child process for {@link DeadLettersLockIT}: opens the dead-letter store {@code args[0]}, says "held", holds it until stdin closes. */
public final class DeadLetterStoreHolder {
    private DeadLetterStoreHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (DeadLetterStore store = new DeadLetterStore(Path.of(args[0]))) {
            System.out.println("held " + store.count());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin (or dies)
            }
        }
    }
}
