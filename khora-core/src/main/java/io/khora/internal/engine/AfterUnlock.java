package io.khora.internal.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do once the partition lock is released: complete waiters, call the change sink's
 * after-hooks. Collected under the lock so nothing user-visible runs while it is held; run by
 * {@link MutationScope} after unlocking.
 */
final class AfterUnlock {
    private static final Logger LOG = LoggerFactory.getLogger(AfterUnlock.class);

    private List<Runnable> actions;

    private void add(Runnable r) {
        if (actions == null) {
            actions = new ArrayList<>(4);
        }
        actions.add(r);
    }

    void deliver(Waiter w, SpaceEntry e) {
        add(() -> w.deliver(e));
    }

    void fail(Waiter w, Throwable t) {
        add(() -> w.fail(t));
    }

    void afterApply(ChangeSink sink, List<Change> changes) {
        add(() -> sink.afterApply(changes));
    }

    void run() {
        if (actions == null) {
            return;
        }
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("post-operation action failed", e);
            }
        }
    }
}
