package io.khora.server;

import io.khora.cluster.mirror.ClusterMirror;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.persistence.MirrorFencedException;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code khora mirror}: the write-behind mirror of one cluster space, as its own process. It runs
 * until SIGTERM (then acknowledges what it delivered, releases its leases and exits 0), or until a
 * partition's outbox is replaced under it (a new cluster: exit 3, to be restarted), or until another
 * mirror took over a partition's lease while this one could not renew it (exit 4, to be restarted).
 * One mirror per space: a mirror started while another holds the space's leases exits 4 at once,
 * naming the holder and when its lease lapses — or, with {@code --lease-wait}, waits that long for
 * the lease (a standby that takes over when the active mirror dies).
 *
 * <pre>
 * khora mirror --connect khora://h1:7701,h2:7701/orders --data mirror-data
 *              --jdbc-url jdbc:postgresql://db/orders --jdbc-user app --jdbc-password-file /run/secrets/orders-db
 *              --entities com.acme.Order,com.acme.Item [--schema none|validate|update|create]
 *              [--batch-size 500] [--batch-interval 50ms] [--connect-timeout 60s] [--progress-interval 10s]
 *              [--lease-duration 10s] [--lease-wait 0s] [--metrics-port 9402 [--metrics-bind 127.0.0.1] [--metrics-jmx true]]
 *              [--security-dir certs | --tls-ca ca.pem (--tls-cert mirror.pem --tls-key mirror-key.pem | --user U --password-file F) | --tls off]
 * khora mirror --connect … --endpoint-class com.acme.MyEndpoint     (a SpaceSynchronizationEndpoint with a no-arg constructor)
 * </pre>
 *
 * The mirror authenticates with its client certificate ({@code --security-dir certs} uses {@code
 * certs/mirror.pem}: a user with the {@code mirror} role and {@code certificate: true}) or a user and
 * password file; the flags replace the URI's {@code tls-*}, {@code user} and {@code password-file} options.
 *
 * <p>The built-in endpoint is {@link DefaultHibernateSpaceSynchronizationEndpoint} over the JDBC URL
 * (PostgreSQL's driver ships with the server; put other drivers and the entity classes on the class
 * path, e.g. in the distribution's {@code lib/}).
 *
 * <p>The database password never comes from a flag (flags are visible to every user in {@code ps}): it is
 * read from {@code --jdbc-password-file} (its content, without the line end) or else from the environment
 * variable {@code KHORA_JDBC_PASSWORD}; {@code --jdbc-password} is refused, saying so.
 */
final class MirrorCommand {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorCommand.class);
    static final List<String> FLAGS = java.util.stream.Stream.concat(Stream.of("connect", "data", "jdbc-url", "jdbc-user",
            "jdbc-password-file", "entities", "schema", "endpoint-class", "batch-size", "batch-interval", "connect-timeout",
            "progress-interval", "lease-duration", "lease-wait"), Stream.concat(ClientFlags.NAMES.stream(), MetricsSettings.NAMES.stream()))
            .toList();
    /** The environment variable the database password may come from. */
    static final String PASSWORD_ENV = "KHORA_JDBC_PASSWORD";
    /** Exit code of a mirror refused because another holds the lease, or that lost it. */
    static final int FENCED = 4;

    private MirrorCommand() {
    }

    static int run(Map<String, String> flags, PrintStream out) throws Exception {
        if (flags.containsKey("jdbc-password")) {
            throw new IllegalArgumentException("--jdbc-password is not accepted: a password on the command line is visible to every user"
                    + " of the machine (ps); put it in a file readable only by the mirror's user and give --jdbc-password-file FILE,"
                    + " or set the environment variable " + PASSWORD_ENV);
        }
        for (String k : flags.keySet()) {
            if (!FLAGS.contains(k)) {
                throw new IllegalArgumentException("unknown flag --" + k + " (known: " + FLAGS + ")");
            }
        }
        String uri = flags.get("connect");
        if (uri == null) {
            throw new IllegalArgumentException("--connect khora://host:port,…/space is required");
        }
        MetricsSettings metrics = MetricsSettings.of(flags, "--", "127.0.0.1");
        SessionFactory[] sessionFactory = new SessionFactory[1];
        SpaceSynchronizationEndpoint endpoint = endpoint(flags, sessionFactory);
        ClusterMirror.Builder b = ClusterMirror.builder(uri).endpoint(endpoint)
                .dataDirectory(Path.of(flags.getOrDefault("data", "khora-mirror")));
        io.khora.cluster.client.ClientSecurity security = ClientFlags.security(flags, "mirror", System.getenv());
        if (security != null) {
            b.security(security); // else the URI's tls-*, user and password-file options
        }
        if (flags.containsKey("batch-size")) {
            b.batchSize(positive(flags.get("batch-size"), "--batch-size"));
        }
        if (flags.containsKey("batch-interval")) {
            b.batchInterval(NodeFile.duration(flags.get("batch-interval"), "--batch-interval"));
        }
        if (flags.containsKey("connect-timeout")) {
            b.connectTimeout(NodeFile.duration(flags.get("connect-timeout"), "--connect-timeout"));
        }
        if (flags.containsKey("lease-duration")) {
            b.leaseDuration(NodeFile.duration(flags.get("lease-duration"), "--lease-duration"));
        }
        if (flags.containsKey("lease-wait")) {
            b.leaseWait(NodeFile.duration(flags.get("lease-wait"), "--lease-wait"));
        }
        Duration progressEvery = NodeFile.duration(flags.getOrDefault("progress-interval", "10s"), "--progress-interval");
        ClusterMirror mirror = b.build();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "khora-mirror-shutdown"));
        MetricsEndpoint metricsEndpoint = null;
        try {
            try {
                mirror.start();
            } catch (MirrorFencedException e) {
                LOG.error("the mirror does not start: {}", e.getMessage());
                out.println("khora mirror of " + uri + " refused: " + e.getMessage());
                out.flush();
                return FENCED;
            }
            metricsEndpoint = MetricsEndpoint.start(metrics, new io.khora.micrometer.KhoraMeterBinder(mirror.meters()), "mirror");
            out.println("khora mirror of " + uri + " delivering to " + endpoint.getClass().getName());
            out.flush();
            while (!stop.await(progressEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                for (ClusterMirror.PartitionProgress p : mirror.progress()) {
                    LOG.info("partition {}: delivered {} of {} (backlog {}, acknowledged {})", p.partition() + 1, p.delivered(),
                            p.lastSequence(), p.backlog(), p.acknowledged());
                }
                String failure = mirror.failure();
                if (failure != null) {
                    LOG.error("the mirror stops: {}; restart it", failure);
                    return mirror.fenced() ? FENCED : 3;
                }
            }
            return 0;
        } finally {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
            }
            mirror.close();
            if (sessionFactory[0] != null) {
                sessionFactory[0].close();
            }
            stopped.countDown();
        }
    }

    /** The endpoint the flags describe: {@code --endpoint-class}, or the built-in Hibernate one (its session factory put in {@code sf[0]}). */
    static SpaceSynchronizationEndpoint endpoint(Map<String, String> flags, SessionFactory[] sf) throws Exception {
        String cls = flags.get("endpoint-class");
        if (cls != null) {
            if (flags.containsKey("jdbc-url")) {
                throw new IllegalArgumentException("give either --endpoint-class or --jdbc-url (the built-in Hibernate endpoint), not both");
            }
            Class<?> c;
            try {
                c = Class.forName(cls, true, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("--endpoint-class: " + cls + " is not on the class path");
            }
            if (!SpaceSynchronizationEndpoint.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException("--endpoint-class: " + cls + " is not a " + SpaceSynchronizationEndpoint.class.getName());
            }
            return (SpaceSynchronizationEndpoint) c.getConstructor().newInstance();
        }
        String url = flags.get("jdbc-url");
        String entities = flags.get("entities");
        if (url == null || entities == null) {
            throw new IllegalArgumentException("the built-in endpoint needs --jdbc-url and --entities (comma-separated entity classes);"
                    + " or give --endpoint-class");
        }
        String schema = flags.getOrDefault("schema", "none");
        if (!List.of("none", "validate", "update", "create").contains(schema)) {
            throw new IllegalArgumentException("--schema: '" + schema + "' must be none, validate, update or create");
        }
        Configuration cfg = new Configuration();
        for (String e : entities.split(",")) {
            try {
                cfg.addAnnotatedClass(Class.forName(e.trim(), true, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException ex) {
                throw new IllegalArgumentException("--entities: " + e.trim() + " is not on the class path");
            }
        }
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_URL, url);
        if (flags.containsKey("jdbc-user")) {
            cfg.setProperty(AvailableSettings.JAKARTA_JDBC_USER, flags.get("jdbc-user"));
        }
        String password = jdbcPassword(flags, System.getenv());
        if (password != null) {
            cfg.setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, password);
        }
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, schema);
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "500");
        sf[0] = cfg.buildSessionFactory();
        return new DefaultHibernateSpaceSynchronizationEndpoint(sf[0]);
    }

    /**
     * The database password: the content of {@code --jdbc-password-file} (one trailing line end
     * dropped), else {@code KHORA_JDBC_PASSWORD} from {@code env}, else null (none). A file others may
     * read is used, with a warning.
     *
     * @throws IllegalArgumentException naming the file if it cannot be read or is empty
     */
    static String jdbcPassword(Map<String, String> flags, Map<String, String> env) {
        String file = flags.get("jdbc-password-file");
        if (file == null) {
            String fromEnv = env.get(PASSWORD_ENV);
            return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
        }
        Path path = Path.of(file);
        String content;
        try {
            content = java.nio.file.Files.readString(path);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("--jdbc-password-file: cannot read " + path.toAbsolutePath() + " (" + e + ")");
        }
        if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
        }
        if (content.isEmpty()) {
            throw new IllegalArgumentException("--jdbc-password-file: " + path.toAbsolutePath() + " is empty");
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.nio.file.Files.getPosixFilePermissions(path);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                LOG.warn("--jdbc-password-file {} is readable by every user of this machine; make it readable by the mirror's user only"
                        + " (chmod 600)", path.toAbsolutePath());
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // permissions unknown (not a POSIX file system): nothing to warn about
        }
        return content;
    }

    private static int positive(String v, String at) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(at + ": '" + v + "' must be a positive integer");
    }
}
