package io.khora.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The class path of this module as a child JVM needs it. Under {@code mvn exec:java} the
 * harness runs in Maven's JVM, whose {@code java.class.path} is Maven's own launcher; the
 * module's classes and dependencies are in the context class loader instead.
 */
public final class Classpath {
    private Classpath() {
    }

    /** The class path of the harness's classes and dependencies. */
    public static String resolve() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    entries.add(toPath(url));
                }
            }
        }
        if (entries.isEmpty() || !containsHarness(entries)) {
            return System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Copies every directory entry of {@code classpath} (the modules' {@code target/classes}) under
     * {@code into} and returns the class path with the copies, so child JVMs started later in a
     * long run load the classes as they were at its start, even if a concurrent build rewrites
     * {@code target/}. Jar entries are left as they are.
     */
    public static String snapshot(String classpath, Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path module = p.getParent() == null ? null : p.getParent().getParent();
                Path copy = into.resolve(n++ + "-" + (module == null ? "classes" : module.getFileName().toString()));
                copyTree(p, copy);
                out.add(copy.toString());
            } else {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static boolean containsHarness(Set<String> entries) {
        String jmh = "jmh-core";
        return entries.stream().anyMatch(e -> e.contains(jmh));
    }

    private static String toPath(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return url.getPath();
        }
    }
}
