package io.khora.hibernate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the classes of a package and its sub-packages on a class loader, in directories and in
 * jars, through {@link ClassLoader#getResources(String)} — a small scanner so the module needs no
 * Spring. Classes are loaded without being initialized; one that cannot be loaded (a missing
 * optional dependency) is skipped with a DEBUG line.
 */
final class ClasspathScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ClasspathScanner.class);

    private final ClassLoader loader;

    ClasspathScanner(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The classes in {@code basePackage} and below, by name, each once.
     *
     * @throws IllegalArgumentException if {@code basePackage} is not a package name
     */
    List<Class<?>> classesIn(String basePackage) {
        List<Class<?>> out = new ArrayList<>();
        for (String name : classNamesIn(basePackage)) {
            try {
                out.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("skipping class {} while scanning {}: {}", name, basePackage, e.toString());
            }
        }
        return out;
    }

    /** The names of the classes in {@code basePackage} and below, sorted. */
    Set<String> classNamesIn(String basePackage) {
        String pkg = basePackage == null ? "" : basePackage.trim();
        if (pkg.isEmpty() || !pkg.matches("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*")) {
            throw new IllegalArgumentException("'" + basePackage + "' is not a package name to scan for @SpaceInitialLoadQuery methods");
        }
        String path = pkg.replace('.', '/');
        Set<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots = loader.getResources(path);
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                if ("file".equals(url.getProtocol())) {
                    scanDirectory(toPath(url), pkg, names);
                } else if ("jar".equals(url.getProtocol())) {
                    scanJar(url, path, names);
                } else {
                    LOG.warn("cannot scan {} for package {}: unsupported protocol {}", url, pkg, url.getProtocol());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan package " + pkg + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static Path toPath(URL url) {
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Paths.get(URLDecoder.decode(url.getPath(), StandardCharsets.UTF_8));
        }
    }

    private static void scanDirectory(Path dir, String pkg, Set<String> names) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".class")).forEach(f -> {
                String rel = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".");
                addClassName(pkg + "." + rel.substring(0, rel.length() - ".class".length()), names);
            });
        }
    }

    private static void scanJar(URL url, String path, Set<String> names) throws IOException {
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jarConnection)) {
            LOG.warn("cannot scan {}: not a jar connection", url);
            return;
        }
        jarConnection.setUseCaches(false);
        try (JarFile jar = jarConnection.getJarFile()) {
            String prefix = path + "/";
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.startsWith(prefix) && name.endsWith(".class")) {
                    addClassName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), names);
                }
            }
        }
    }

    private static void addClassName(String name, Set<String> names) {
        if (!name.endsWith("module-info") && !name.endsWith("package-info")) {
            names.add(name);
        }
    }
}
