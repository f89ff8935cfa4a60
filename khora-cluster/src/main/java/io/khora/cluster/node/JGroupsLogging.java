package io.khora.cluster.node;

import org.jgroups.logging.CustomLogFactory;
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;
import org.jgroups.logging.Slf4jLogImpl;

/**
 * Routes JGroups' and jgroups-raft's logging to SLF4J, whatever else is on the class path (left
 * alone, JGroups prefers log4j2 when log4j-core is present, then SLF4J, then java.util.logging).
 * Protocols take their logger when they are created, so this runs before any channel is built.
 *
 * <p>JGroups' own SLF4J adapter formats a message with its arguments ({@code String.format})
 * before it asks whether the level is enabled; jgroups-raft logs at TRACE on every commit and
 * append, so that formatting was a quarter of a node's Java time under write load. The adapter
 * here asks first.
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
                        return new LevelFirst(clazz);
                    }

                    @Override
                    public Log getLog(String category) {
                        return new LevelFirst(category);
                    }
                });
                installed = true;
            }
        }
    }

    /** {@link Slf4jLogImpl} that formats only what will be logged. */
    private static final class LevelFirst extends Slf4jLogImpl {
        LevelFirst(Class<?> clazz) {
            super(clazz);
        }

        LevelFirst(String category) {
            super(category);
        }

        @Override
        public void trace(String format, Object... args) {
            if (isTraceEnabled()) {
                super.trace(format, args);
            }
        }

        @Override
        public void debug(String format, Object... args) {
            if (isDebugEnabled()) {
                super.debug(format, args);
            }
        }

        @Override
        public void info(String format, Object... args) {
            if (isInfoEnabled()) {
                super.info(format, args);
            }
        }

        @Override
        public void warn(String format, Object... args) {
            if (isWarnEnabled()) {
                super.warn(format, args);
            }
        }
    }
}
