package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.CommandRunner.Result;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The launcher {@code ./planexec} and its class-data archive, run in a build folder of the test's own (a copy of the
 * launcher, the poms and the packaged jar, the sources older than the jar), so the archives it makes and the jar
 * times it changes never touch the jar other tests run.
 */
class LauncherIT {
    private static final String VALID = "plan.json: valid, 8 tasks (0 done, 8 pending)\n";

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    private Path root;
    private Path jar;

    @BeforeEach
    void copyBuild() throws IOException {
        Path repo = Path.of(System.getProperty("planexec.root", "..")).toAbsolutePath();
        root = sandbox.root().resolve("checkout");
        Files.createDirectories(root.resolve("app/src/main/java"));
        Files.createDirectories(root.resolve("app/target"));
        Files.copy(repo.resolve("planexec"), root.resolve("planexec"));
        Files.copy(repo.resolve("pom.xml"), root.resolve("pom.xml"));
        Files.copy(repo.resolve("app/pom.xml"), root.resolve("app/pom.xml"));
        jar = Files.copy(PlanexecProcess.jar(), root.resolve("app/target/planexec.jar"));
        FileTime hourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
        for (String source : List.of("pom.xml", "app/pom.xml", "app/src/main/java", "app/src/main")) {
            Files.setLastModifiedTime(root.resolve(source), hourAgo);
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minus(30, ChronoUnit.MINUTES)));
        RepoPlans.freshCopy("demo.json", sandbox.work().resolve("plan.json"));
    }

    @Test
    void the_first_start_makes_the_archive_and_the_next_uses_it_printing_nothing_more() throws Exception {
        assertClean(launch(javaHome(), "validate", "plan.json"));
        Path archive = archive(major(javaHome()));
        assertTrue(Files.size(archive) > 0, "the archive beside the jar");

        Path classes = sandbox.logs().resolve("classes.txt");
        Map<String, String> env = Map.of("PLANEXEC_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classes);
        assertClean(launch(javaHome(), env, "validate", "plan.json"));
        String loaded = Files.readString(classes);
        assertTrue(
                loaded.contains("dev.planexec.cli.Main source: shared objects file (top)"),
                "planexec's classes come from the archive");
        assertTrue(loaded.contains("picocli.CommandLine source: shared objects file (top)"), "Picocli's too");

        assertClean(launch(javaHome(), "validate", "plan.json"));
        assertClean(launch(javaHome(), "list", "."), "PLAN ");
    }

    @Test
    void a_corrupted_archive_still_starts_cleanly() throws Exception {
        assertClean(launch(javaHome(), "validate", "plan.json"));
        Path archive = archive(major(javaHome()));
        long size = Files.size(archive);
        archive.toFile().setWritable(true);
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("not an archive at all".getBytes(StandardCharsets.UTF_8)), 0);
            channel.write(java.nio.ByteBuffer.wrap(new byte[4096]), size / 2);
        }
        assertClean(launch(javaHome(), "validate", "plan.json"));
        assertClean(launch(javaHome(), "--version"), "planexec ");
    }

    @Test
    void a_truncated_archive_still_starts_cleanly_and_is_made_again() throws Exception {
        assertClean(launch(javaHome(), "validate", "plan.json"));
        Path archive = archive(major(javaHome()));
        long size = Files.size(archive);
        archive.toFile().setWritable(true);
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE)) {
            channel.truncate(size / 3);
        }
        // Java 17 maps a cut-short archive past its end and dies of SIGBUS; the launcher must not hand it over.
        assertClean(launch(javaHome(), "validate", "plan.json"));
        assertTrue(Files.size(archive) > size / 3, "made again, whole");
        assertTrue(Files.readString(archive.resolveSibling(archive.getFileName() + ".key"))
                .endsWith("\n" + Files.size(archive) + "\n"));
    }

    @Test
    void a_jar_newer_than_the_archive_starts_cleanly_and_the_archive_is_made_again() throws Exception {
        assertClean(launch(javaHome(), "validate", "plan.json"));
        Path archive = archive(major(javaHome()));
        FileTime older = FileTime.from(Instant.now().minus(45, ChronoUnit.MINUTES));
        Files.setLastModifiedTime(archive, older);
        assertTrue(Files.getLastModifiedTime(jar).compareTo(older) > 0);

        assertClean(launch(javaHome(), "validate", "plan.json"));
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0);
    }

    @Test
    void an_archive_made_by_another_java_of_the_same_version_is_made_again() throws Exception {
        // The same JDK under another JAVA_HOME: the archive's key names the other java, so it is made again.
        Path otherHome = sandbox.root().resolve("other-jdk");
        Files.createSymbolicLink(otherHome, javaHome().toRealPath());
        assertClean(launch(javaHome(), "validate", "plan.json"));
        Result r = launch(otherHome, Map.of("PLANEXEC_LAUNCHER_DEBUG", "1"), "validate", "plan.json");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(VALID, r.out());
        assertTrue(r.err().contains("planexec-launcher: the archive was made by " + javaHome()), r::toString);
        assertTrue(Files.readString(archive(major(javaHome()))
                        .resolveSibling(archive(major(javaHome())).getFileName() + ".key"))
                .startsWith(otherHome + "/bin/java\n"));
        assertClean(launch(otherHome, "validate", "plan.json"));
    }

    @Test
    void another_jdk_starts_cleanly_with_its_own_archive_and_ignores_one_it_did_not_make() throws Exception {
        Optional<Path> other = otherJdk();
        if (other.isEmpty()) {
            String why = "no second JDK (17+, another version) under /usr/lib/jvm or in PLANEXEC_TEST_OTHER_JAVA_HOME";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        assertClean(launch(javaHome(), "validate", "plan.json"));
        assertClean(launch(other.get(), "validate", "plan.json"));
        int major = major(other.get());
        Path ownArchive = archive(major);
        assertTrue(Files.size(ownArchive) > 0);

        // Java 17's archive under the other JDK's name, with a key that vouches for it: the JVM itself must refuse
        // it, quietly.
        Path key = ownArchive.resolveSibling(ownArchive.getFileName() + ".key");
        String otherKey = Files.readString(key);
        Files.copy(archive(major(javaHome())), ownArchive, StandardCopyOption.REPLACE_EXISTING);
        String[] lines = otherKey.split("\n");
        Files.writeString(key, lines[0] + "\n" + lines[1] + "\n" + Files.size(ownArchive) + "\n");
        assertClean(launch(other.get(), "validate", "plan.json"));
        assertClean(launch(other.get(), "--version"), "planexec ");
    }

    @Test
    void the_build_failure_message_names_the_log_it_wrote() throws Exception {
        Files.setLastModifiedTime(root.resolve("app/pom.xml"), FileTime.from(Instant.now()));
        Result r = launch(javaHome(), failingMaven(), "validate", "plan.json");
        assertEquals(2, r.exitCode(), r::toString);
        Path log = root.resolve(".planexec-build.log");
        assertTrue(r.err().contains("planexec: the build failed; see " + log), r::toString);
        assertEquals("the compiler said no\n", Files.readString(log));
    }

    @Test
    void any_change_deep_in_the_sources_makes_the_launcher_build() throws Exception {
        Path deep = Files.createDirectories(root.resolve("app/src/main/java/dev/planexec/agent/local"));
        Path source = Files.writeString(deep.resolve("LocalAgent.java"), "class LocalAgent {}\n");
        FileTime hourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
        for (Path p = source; !p.equals(root.resolve("app")); p = p.getParent()) {
            Files.setLastModifiedTime(p, hourAgo);
        }
        assertClean(launch(javaHome(), failingMaven(), "validate", "plan.json"));

        // Written in place: only the file's own time changes, no folder's.
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        assertBuilt(launch(javaHome(), failingMaven(), "validate", "plan.json"));
        Files.setLastModifiedTime(source, hourAgo);
        assertClean(launch(javaHome(), failingMaven(), "validate", "plan.json"));

        // Removed: only the folder's time changes.
        Files.delete(source);
        assertBuilt(launch(javaHome(), failingMaven(), "validate", "plan.json"));
    }

    private static void assertBuilt(Result r) {
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("planexec: building "), r::toString);
    }

    /** A PATH whose mvn says the build failed. */
    private Map<String, String> failingMaven() throws IOException {
        Path fakeBin = Files.createDirectories(sandbox.root().resolve("bin"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho 'the compiler said no'\nexit 1\n");
        mvn.toFile().setExecutable(true);
        Map<String, String> env = new HashMap<>();
        env.put("PATH", fakeBin + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    private void assertClean(Result r) {
        assertClean(r, VALID);
    }

    /** Exit 0, stdout starting with what the command prints, and not one byte more from the launcher or the JVM. */
    private static void assertClean(Result r, String expectedStart) {
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith(expectedStart), r::toString);
        assertFalse(r.out().contains("warning") || r.out().contains("[cds"), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    private Path archive(int major) {
        return root.resolve("app/target/planexec-java" + major + ".jsa");
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private Result launch(Path javaHome, String... args) {
        return launch(javaHome, Map.of(), args);
    }

    /** {@code ./planexec args} in the sandbox's work folder, with {@code JAVA_HOME} set, no terminal. */
    private Result launch(Path javaHome, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("planexec").toString());
        command.addAll(List.of(args));
        Path out = sandbox.logs().resolve("launcher.out");
        Path err = sandbox.logs().resolve("launcher.err");
        ProcessBuilder builder = new ProcessBuilder(DefaultSignals.command(command))
                .directory(sandbox.work().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(sandbox.env());
        builder.environment().remove("PLANEXEC_JAVA_OPTIONS");
        builder.environment().remove("PLANEXEC_LAUNCHER_DEBUG");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().putAll(env);
        Process process = null;
        try {
            process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the launcher did not finish in 120 s: " + command);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** A JDK of another version than this one: PLANEXEC_TEST_OTHER_JAVA_HOME, or one under /usr/lib/jvm. */
    private static Optional<Path> otherJdk() throws IOException {
        String named = System.getenv("PLANEXEC_TEST_OTHER_JAVA_HOME");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        String ours = System.getProperty("java.runtime.version");
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")))
                    .filter(h -> {
                        String version = release(h, "JAVA_RUNTIME_VERSION");
                        return !version.isEmpty() && !version.equals(ours) && major(h) >= 17;
                    })
                    .sorted()
                    .findFirst();
        }
    }

    private static int major(Path javaHome) {
        String version = release(javaHome, "JAVA_VERSION");
        try {
            return Integer.parseInt(version.split("[.+-]")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String release(Path javaHome, String name) {
        try {
            return Files.readAllLines(javaHome.resolve("release")).stream()
                    .filter(l -> l.startsWith(name + "="))
                    .map(l -> l.substring(name.length() + 1).replace("\"", ""))
                    .findFirst()
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
