package io.khora.cluster.node;

import org.jgroups.logging.CustomLogFactory;
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;
import org.jgroups.logging.Slf4jLogImpl;

/**
 * Routes JGroups' and jgroups-raft's logging to SLF4J, whatever else is on the class path (left
 * alone, JGroups prefers log4j2 when log4j-core is present, then SLF4J, then java.util.logging).
 * Protocols take their logger when they are created, so this runs before any channel is built.
 */
public final class JGroupsLogging {
    private static volatile boolean installed;

    private JGroupsLogging() {
    }

    /** Installs the SLF4J log factory (idempotent). */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (JGroupsLogging.class) {
            if (!installed) {
                LogFactory.setCustomLogFactory(new CustomLogFactory() {
                    @Override
                    public Log getLog(Class<?> clazz) {
                        return new Slf4jLogImpl(clazz);
                    }

                    @Override
                    public Log getLog(String category) {
                        return new Slf4jLogImpl(category);
                    }
                });
                installed = true;
            }
        }
    }
}
