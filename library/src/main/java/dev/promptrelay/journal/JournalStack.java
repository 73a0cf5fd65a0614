package dev.promptrelay.journal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of the journal's libraries (H2, Flyway, HikariCP) the application runs with, checked at start. An
 * application's dependency management (Spring Boot's BOM, for one) may put other versions than promptrelay's own on
 * the class path: one older than promptrelay is known to work with stops the start with what to pin; one newer than
 * any it was tested on is said once in the log.
 */
public final class JournalStack {

    /** A library, the oldest version promptrelay works with and the newest line it was tested on. */
    record Supported(String name, String group, String artifact, String oldest, String newestTested,
                     String mavenProperty, String versionConstant) {
    }

    static final List<Supported> SUPPORTED = List.of(
            new Supported("H2", "com.h2database", "h2", "2.3.232", "2.4.240", "h2.version",
                    "org.h2.engine.Constants.VERSION"),
            new Supported("Flyway", "org.flywaydb", "flyway-core", "11.7.2", "13.12.1", "flyway.version", null),
            new Supported("HikariCP", "com.zaxxer", "HikariCP", "5.1.0", "6.3.3", "hikaricp.version", null));

    private static final Logger LOG = LoggerFactory.getLogger(JournalStack.class);

    private JournalStack() {
    }

    /** Stops the start when a library is older than promptrelay works with; says when one is newer than tested. */
    public static void check() {
        for (Supported library : SUPPORTED) {
            Optional<String> found = versionOnClassPath(library);
            if (found.isEmpty()) {
                LOG.debug("The version of {} on the class path cannot be read (no Maven descriptor): not checked",
                        library.name());
                continue;
            }
            problem(library, found.get()).ifPresent(problem -> {
                if (compare(found.get(), library.oldest()) < 0) {
                    throw new IllegalStateException(problem);
                }
                LOG.warn(problem);
            });
        }
    }

    /** What to say about this version of the library, if anything. */
    static Optional<String> problem(Supported library, String version) {
        if (compare(version, library.oldest()) < 0) {
            return Optional.of(library.name() + " " + version + " is on the class path, but promptrelay's journal needs "
                               + library.name() + " " + library.oldest() + " or later (tested up to "
                               + library.newestTested() + "). Your build's dependency management chose it: pin "
                               + library.group() + ":" + library.artifact() + " to " + library.newestTested()
                               + " (with Spring Boot's parent or BOM: <" + library.mavenProperty() + ">"
                               + library.newestTested() + "</" + library.mavenProperty() + "> in your pom's properties)");
        }
        if (major(version) > major(library.newestTested())) {
            return Optional.of(library.name() + " " + version + " is on the class path; promptrelay was tested with "
                               + library.name() + " " + library.oldest() + " to " + library.newestTested()
                               + ". It should work; if the journal misbehaves, pin " + library.group() + ":"
                               + library.artifact() + " to " + library.newestTested());
        }
        return Optional.empty();
    }

    static Optional<String> versionOnClassPath(Supported library) {
        URL descriptor = JournalStack.class.getClassLoader().getResource(
                "META-INF/maven/" + library.group() + "/" + library.artifact() + "/pom.properties");
        if (descriptor == null) {
            return constant(library.versionConstant());
        }
        try (InputStream in = descriptor.openStream()) {
            Properties pom = new Properties();
            pom.load(in);
            return Optional.ofNullable(pom.getProperty("version"));
        } catch (IOException e) {
            LOG.debug("The version of {} cannot be read: {}", library.name(), e.toString());
            return Optional.empty();
        }
    }

    /** The version a library states in a constant of its own (H2's jar has no Maven descriptor), read at run time. */
    private static Optional<String> constant(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            Object value = Class.forName(name.substring(0, name.lastIndexOf('.')), false,
                    JournalStack.class.getClassLoader()).getField(name.substring(name.lastIndexOf('.') + 1)).get(null);
            return Optional.ofNullable(value).map(Object::toString);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.debug("{} cannot be read: {}", name, e.toString());
            return Optional.empty();
        }
    }

    /** Compares dotted version numbers (2.3.232 against 2.4.240), a qualifier after a dash ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("-")[0].split("\\.");
        String[] y = b.split("-")[0].split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int diff = Integer.compare(number(x, i), number(y, i));
            if (diff != 0) {
                return diff;
            }
        }
        return 0;
    }

    private static int major(String version) {
        return number(version.split("-")[0].split("\\."), 0);
    }

    private static int number(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i].replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
