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
 * khora mirror --connect … --cassandra 10.0.0.5:9042,10.0.0.6:9042 --cassandra-keyspace shop --entities com.acme.Order,…
 *              [--cassandra-datacenter datacenter1] [--cassandra-user app --cassandra-password-file /run/secrets/cassandra]
 *              [--schema none|create]
 * khora mirror --connect … --endpoint-class com.acme.MyEndpoint     (a SpaceSynchronizationEndpoint with a no-arg constructor)
 * </pre>
 *
 * {@code --jdbc-url}, {@code --cassandra} and {@code --endpoint-class} exclude each other, and the
 * {@code --jdbc-*} / {@code --cassandra-*} flags are refused with another endpoint.
 *
 * The mirror authenticates with its client certificate ({@code --security-dir certs} uses {@code
 * certs/mirror.pem}: a user with the {@code mirror} role and {@code certificate: true}) or a user and
 * password file; the flags replace the URI's {@code tls-*}, {@code user} and {@code password-file} options.
 *
 * <p>The built-in endpoint is {@link DefaultHibernateSpaceSynchronizationEndpoint} over the JDBC URL
 * (PostgreSQL's driver ships with the server; put other drivers and the entity classes on the class
 * path, e.g. in the distribution's {@code lib/}).
 *
 * <p>The built-in Cassandra endpoint ({@link CassandraMirrorEndpoint}) is khora-cassandra's
 * {@code CassandraSpaceSynchronizationEndpoint}: each {@code --entities} class is mapped to the
 * table named like its simple name in lower case ({@code com.acme.OrderLine} → {@code orderline})
 * in {@code --cassandra-keyspace}, id and routing as Khora sees them; the keyspace must exist, the
 * endpoint's {@code khora_write_timestamps} table is created in it if missing, and {@code --schema
 * create} creates missing entity tables. Its writes are {@code USING TIMESTAMP}, so a mirror
 * restarted after a crash replays without resurrecting anything. Its password comes from
 * {@code --cassandra-password-file} or {@code KHORA_CASSANDRA_PASSWORD}, like the database's.
 *
 * <p>The database password never comes from a flag (flags are visible to every user in {@code ps}): it is
 * read from {@code --jdbc-password-file} (its content, without the line end) or else from the environment
 * variable {@code KHORA_JDBC_PASSWORD}; {@code --jdbc-password} is refused, saying so.
 */
final class MirrorCommand {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorCommand.class);
    static final List<String> FLAGS = java.util.stream.Stream.concat(Stream.of("connect", "data", "jdbc-url", "jdbc-user",
            "jdbc-password-file", "entities", "schema", "endpoint-class", "batch-size", "batch-interval", "connect-timeout",
            "progress-interval", "lease-duration", "lease-wait"), Stream.of(CassandraMirrorEndpoint.FLAGS, ClientFlags.NAMES,
            MetricsSettings.NAMES).flatMap(List::stream)).toList();
    /** The environment variable the database password may come from. */
    static final String PASSWORD_ENV = "KHORA_JDBC_PASSWORD";
    /** Exit code of a mirror refused because another holds the lease, or that lost it. */
    static final int FENCED = 4;

    private MirrorCommand() {
    }

    static int run(Map<String, String> flags, PrintStream out) throws Exception {
        if (flags.containsKey("jdbc-password") || flags.containsKey("cassandra-password")) {
            String which = flags.containsKey("jdbc-password") ? "jdbc" : "cassandra";
            throw new IllegalArgumentException("--" + which + "-password is not accepted: a password on the command line is visible to"
                    + " every user of the machine (ps); put it in a file readable only by the mirror's user and give --" + which
                    + "-password-file FILE, or set the environment variable "
                    + (which.equals("jdbc") ? PASSWORD_ENV : CassandraMirrorEndpoint.PASSWORD_ENV));
        }
        KnownFlags.require(flags, FLAGS, "mirror");
        String uri = flags.get("connect");
        if (uri == null) {
            throw new IllegalArgumentException("--connect khora://host:port,…/space is required");
        }
        MetricsSettings metrics = MetricsSettings.of(flags, "--", "127.0.0.1");
        AutoCloseable[] resource = new AutoCloseable[1];
        SpaceSynchronizationEndpoint endpoint = endpoint(flags, resource);
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
            if (resource[0] != null) {
                resource[0].close();
            }
            stopped.countDown();
        }
    }

    /** The endpoint {@code flags} choose; what must be closed after it goes to {@code resource[0]}. */
    static SpaceSynchronizationEndpoint endpoint(Map<String, String> flags, AutoCloseable[] resource) throws Exception {
        checkOneEndpoint(flags);
        if (flags.containsKey("cassandra")) {
            CassandraMirrorEndpoint cassandra = CassandraMirrorEndpoint.open(flags, System.getenv());
            resource[0] = cassandra;
            return cassandra.endpoint();
        }
        String cls = flags.get("endpoint-class");
        if (cls != null) {
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
                    + " or give --cassandra host:port,… --cassandra-keyspace KS --entities …, or --endpoint-class");
        }
        String schema = flags.getOrDefault("schema", "none");
        if (!List.of("none", "validate", "update", "create").contains(schema)) {
            throw new IllegalArgumentException("--schema: '" + schema + "' must be none, validate, update or create");
        }
        Configuration cfg = new Configuration();
        for (String e : entities.split(",")) {
            cfg.addAnnotatedClass(entityClass(e.trim()));
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
        SessionFactory sf = cfg.buildSessionFactory();
        resource[0] = sf;
        return new DefaultHibernateSpaceSynchronizationEndpoint(sf);
    }

    /**
     * Refuses two endpoints at once: {@code --cassandra}, {@code --jdbc-url} and {@code
     * --endpoint-class} exclude each other, and the flags of one endpoint are refused with another.
     */
    static void checkOneEndpoint(Map<String, String> flags) {
        List<String> chosen = Stream.of("cassandra", "jdbc-url", "endpoint-class").filter(flags::containsKey).toList();
        if (chosen.size() > 1) {
            throw new IllegalArgumentException("give one endpoint: --cassandra (built-in Cassandra), --jdbc-url (built-in Hibernate) or"
                    + " --endpoint-class, not " + chosen.stream().map(f -> "--" + f).collect(java.util.stream.Collectors.joining(" and ")));
        }
        String endpoint = chosen.isEmpty() ? null : chosen.get(0);
        for (String f : flags.keySet()) {
            boolean cassandraFlag = f.startsWith("cassandra-");
            boolean jdbcFlag = f.startsWith("jdbc-");
            if (cassandraFlag && !"cassandra".equals(endpoint) || jdbcFlag && !"jdbc-url".equals(endpoint)) {
                throw new IllegalArgumentException("--" + f + " belongs to the " + (cassandraFlag ? "--cassandra" : "--jdbc-url")
                        + " endpoint, which is not chosen" + (endpoint == null ? "" : " (--" + endpoint + " is)"));
            }
        }
        if ("endpoint-class".equals(endpoint) && flags.containsKey("entities")) {
            throw new IllegalArgumentException("--entities belongs to the built-in endpoints (--jdbc-url, --cassandra), not --endpoint-class");
        }
    }

    /** The class {@code name} of {@code --entities}, loaded; throws naming it if it is not on the class path. */
    static Class<?> entityClass(String name) {
        try {
            return Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException ex) {
            throw new IllegalArgumentException("--entities: " + name + " is not on the class path");
        }
    }

    /**
     * The database password: the content of {@code --jdbc-password-file} (one trailing line end
     * dropped), else {@code KHORA_JDBC_PASSWORD} from {@code env}, else null (none). A file others may
     * read is used, with a warning.
     *
     * @throws IllegalArgumentException naming the file if it cannot be read or is empty
     */
    static String jdbcPassword(Map<String, String> flags, Map<String, String> env) {
        return password(flags, "jdbc-password-file", PASSWORD_ENV, env);
    }

    /**
     * A password: the content of the file flag {@code fileFlag} (one trailing line end dropped), else
     * {@code envName} from {@code env}, else null. A file others may read is used, with a warning.
     *
     * @throws IllegalArgumentException naming the file if it cannot be read or is empty
     */
    static String password(Map<String, String> flags, String fileFlag, String envName, Map<String, String> env) {
        String file = flags.get(fileFlag);
        if (file == null) {
            String fromEnv = env.get(envName);
            return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
        }
        Path path = Path.of(file);
        String content;
        try {
            content = java.nio.file.Files.readString(path);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("--" + fileFlag + ": cannot read " + path.toAbsolutePath() + " (" + e + ")");
        }
        if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
        }
        if (content.isEmpty()) {
            throw new IllegalArgumentException("--" + fileFlag + ": " + path.toAbsolutePath() + " is empty");
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.nio.file.Files.getPosixFilePermissions(path);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                LOG.warn("--{} {} is readable by every user of this machine; make it readable by the mirror's user only"
                        + " (chmod 600)", fileFlag, path.toAbsolutePath());
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
