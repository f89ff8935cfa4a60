package io.khora.internal.logging;

import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.ServiceLoader;

/**
 * Keeps SLF4J quiet in an application without a logging backend. Khora logs through SLF4J, and
 * SLF4J 2 prints "No SLF4J providers were found" to standard error when the class path has no
 * provider (logback-classic, slf4j-simple, log4j-slf4j2-impl, …): a library should not print
 * anything its user did not ask for. So Khora's entry points ({@code Spaces}, {@code RemoteSpace},
 * the JCache provider) call {@link #install()} first: if no provider is on the class path and
 * SLF4J's own reporting is not configured ({@code slf4j.internal.verbosity},
 * {@code slf4j.provider}), it initialises SLF4J with its internal reports at ERROR — the no-provider
 * warning is not printed and Khora's log lines go nowhere, as SLF4J does without a provider anyway.
 * With a provider on the class path nothing is changed. Add a backend to see Khora's log.
 */
public final class QuietSlf4j {
    private static final String VERBOSITY = "slf4j.internal.verbosity";
    private static volatile boolean done;

    private QuietSlf4j() {
    }

    /** Initialises SLF4J quietly if it has no provider (idempotent, cheap after the first call). */
    public static void install() {
        if (done) {
            return;
        }
        synchronized (QuietSlf4j.class) {
            if (done) {
                return;
            }
            done = true;
            if (System.getProperty(VERBOSITY) != null || System.getProperty("slf4j.provider") != null || hasProvider()) {
                return;
            }
            try {
                System.setProperty(VERBOSITY, "ERROR");
                LoggerFactory.getILoggerFactory(); // SLF4J reads its verbosity once, when it initialises
            } catch (SecurityException e) {
                // not allowed to set a property: SLF4J prints its warning
            } finally {
                try {
                    System.clearProperty(VERBOSITY);
                } catch (SecurityException ignored) {
                    // as above
                }
            }
        }
    }

    /** Whether SLF4J would find a provider, looked up as SLF4J does (without initialising it). */
    static boolean hasProvider() {
        try {
            return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader()).stream().findAny().isPresent();
        } catch (java.util.ServiceConfigurationError e) {
            return true; // a broken provider: let SLF4J report it
        }
    }
}
