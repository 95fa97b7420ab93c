package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.store.SecureFiles;
import dev.planexec.testing.MarkedProcesses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Copilot test's world: a temporary folder with planexec's state ({@code PLANEXEC_HOME}), a home folder of its
 * own for the CLI ({@code HOME}, {@code COPILOT_HOME}), a work folder that is a git repository (where plans go), a
 * {@link FakeModel} the CLI talks to through bring-your-own-key variables, and a marker in the environment of every
 * process it starts.
 *
 * <p>After each test it kills planexec processes it started that still run, then every process carrying the marker
 * (a CLI, a tool shell); a process that was still there fails the test. The folder is deleted when the test passed.
 *
 * <pre>{@code
 * @RegisterExtension
 * final CopilotWorld world = new CopilotWorld();
 * ...
 * Path plan = world.plan("demo").task("a", "Write a file", "FAKE_BASH: echo hi > a.txt").write();
 * PlanexecRun run = world.planexec("run", plan.toString(), "--plain");
 * assertEquals(0, run.awaitExit(Duration.ofSeconds(90)));
 * }</pre>
 */
final class CopilotWorld implements BeforeEachCallback, AfterEachCallback {
    /** Distinctive, so a search of every file planexec wrote finds it if it leaked anywhere. */
    static final String API_KEY = "sk-planexec-test-key-QmV5b25kVGhlU2t5";

    static final String MARKER_VARIABLE = "PLANEXEC_IT_MARKER";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final CopilotCli version;
    private final List<PlanexecRun> started = new ArrayList<>();
    private final Map<String, String> extraEnv = new HashMap<>();
    private Path cli;
    private Path root;
    private String marker;
    private FakeModel model;

    /** A world with the newest tested CLI. */
    CopilotWorld() {
        this(CopilotCli.NEWEST);
    }

    CopilotWorld(CopilotCli version) {
        this.version = version;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        cli = version.binary();
        root = Files.createTempDirectory("planexec-copilot-it-").toRealPath();
        marker = "pxcopilot" + UUID.randomUUID().toString().replace("-", "");
        Files.createDirectories(state());
        Files.createDirectories(userHome());
        Files.createDirectories(work());
        Files.createDirectories(logs());
        git("init", "-q", "-b", "main");
        git("-c", "user.email=it@example.org", "-c", "user.name=it", "commit", "-q", "--allow-empty", "-m", "init");
        git("remote", "add", "origin", "https://github.com/example-org/example-repo.git");
        model = FakeModel.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        started.forEach(PlanexecRun::close);
        if (model != null) {
            model.close();
        }
        if (root == null) {
            return;
        }
        List<Long> leaked = awaitNoMarkedProcesses(Duration.ofSeconds(5));
        leaked.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        boolean failed = context.getExecutionException().isPresent();
        if (!leaked.isEmpty()) {
            throw new AssertionError(
                    "processes of this test outlived it (now killed): " + leaked + "; its files: " + root);
        }
        if (failed) {
            System.err.println(context.getDisplayName() + " failed; its files are kept in " + root);
        } else {
            SecureFiles.deleteTree(root);
        }
    }

    FakeModel model() {
        return model;
    }

    Path cli() {
        return cli;
    }

    /** {@code PLANEXEC_HOME}. */
    Path state() {
        return root.resolve("state");
    }

    /** {@code HOME} of planexec and the CLI. */
    Path userHome() {
        return root.resolve("user");
    }

    /** {@code COPILOT_HOME}: the CLI's sessions are under {@code session-state/}. */
    Path copilotHome() {
        return userHome().resolve(".copilot");
    }

    Path sessionFolder(String sessionId) {
        return copilotHome().resolve("session-state").resolve(sessionId);
    }

    /** The work folder: a git repository on branch {@code main}; plans and what tasks write go here. */
    Path work() {
        return root.resolve("work");
    }

    Path logs() {
        return root.resolve("logs");
    }

    String marker() {
        return marker;
    }

    /** Adds (or, with {@code null}, removes) a variable for the processes started from now on. */
    CopilotWorld env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** The environment planexec runs with: this JVM's, without any real key or token, plus the test's. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet()
                .removeIf(k -> k.startsWith("COPILOT_")
                        || k.startsWith("PLANEXEC_")
                        || k.equals("GH_TOKEN")
                        || k.equals("GITHUB_TOKEN")
                        || k.startsWith("XDG_"));
        env.put("PLANEXEC_HOME", state().toString());
        env.put("HOME", userHome().toString());
        env.put("COPILOT_HOME", copilotHome().toString());
        env.put("XDG_CACHE_HOME", CopilotCli.sharedCache().toString());
        env.put("XDG_CONFIG_HOME", userHome().resolve(".config").toString());
        env.put("PLANEXEC_COPILOT_CLI", cli.toString());
        env.put("COPILOT_PROVIDER_BASE_URL", model.baseUrl());
        env.put("COPILOT_PROVIDER_TYPE", "openai");
        env.put("COPILOT_PROVIDER_API_KEY", API_KEY);
        env.put("COPILOT_MODEL", FakeModel.MODEL);
        env.put("PLANEXEC_INACTIVITY_TIMEOUT", "60");
        env.put(MARKER_VARIABLE, marker);
        extraEnv.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        return env;
    }

    /** For tests that open the backend in this JVM. */
    AgentEnvironment agentEnvironment() {
        return new AgentEnvironment(state(), env(), null);
    }

    /** Starts {@code java -jar planexec.jar args} in the work folder. */
    PlanexecRun planexec(String... args) {
        PlanexecRun run = PlanexecRun.start(work(), logs(), env(), args);
        started.add(run);
        return run;
    }

    /** Runs planexec to its end (at most {@code timeout}) and returns it. */
    PlanexecRun planexecToEnd(Duration timeout, String... args) {
        PlanexecRun run = planexec(args);
        run.awaitExit(timeout);
        return run;
    }

    PlanBuilder plan(String id) {
        return new PlanBuilder(id);
    }

    /** A plan of prompt-driven tasks on the {@code copilot} agent, written to {@code work/<id>.json}. */
    final class PlanBuilder {
        private final ObjectNode root = JSON.createObjectNode();
        private final ArrayNode tasks;

        private PlanBuilder(String id) {
            root.put("id", id);
            root.put("name", "Copilot IT plan " + id);
            root.put("description", "A plan the Copilot integration tests run");
            root.put("createdAt", "2026-11-21T10:00:00.000Z");
            root.put("updatedAt", "2026-11-21T10:00:00.000Z");
            root.put("agent", "copilot");
            // The work folder is a git repository, where prompt-driven tasks would get worktrees by default; these
            // tests look at what the agent did in the work folder itself.
            root.put("isolation", "none");
            tasks = root.putArray("tasks");
        }

        /** {@code worktree} or {@code none} (the default of these plans). */
        PlanBuilder isolation(String kind) {
            root.put("isolation", kind);
            return this;
        }

        PlanBuilder task(String id, String title, String description, String... dependsOn) {
            ObjectNode task = tasks.addObject();
            task.put("id", id);
            task.put("title", title);
            task.put("description", description);
            task.putArray("acceptanceCriteria").add("the task's description is carried out");
            ArrayNode deps = task.putArray("dependsOn");
            for (String d : dependsOn) {
                deps.add(d);
            }
            task.put("status", "pending");
            return this;
        }

        /** The plan's {@code retries}: 0 for a test of a failure that would otherwise be retried. */
        PlanBuilder retries(int retries) {
            root.put("retries", retries);
            return this;
        }

        /** The plan's {@code retryDelaySeconds}. */
        PlanBuilder retryDelaySeconds(int seconds) {
            root.put("retryDelaySeconds", seconds);
            return this;
        }

        Path write() {
            Path file = work().resolve(root.get("id").asText() + ".json");
            try {
                JSON.writeValue(file.toFile(), root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }
    }

    /** Processes alive now whose environment carries this test's marker (planexec, the CLI, tool shells). */
    List<Long> markedProcesses() {
        return MarkedProcesses.alive(MARKER_VARIABLE + "=" + marker).stream()
                .map(MarkedProcesses.Found::pid)
                .toList();
    }

    /** Waits up to {@code timeout} for every marked process to be gone; returns those still there. */
    List<Long> awaitNoMarkedProcesses(Duration timeout) {
        return MarkedProcesses.awaitNone(MARKER_VARIABLE + "=" + marker, java.util.Set.of(), timeout).stream()
                .map(MarkedProcesses.Found::pid)
                .toList();
    }

    /** Every regular file under {@code dir} whose bytes contain {@code text}. */
    static List<Path> filesContaining(Path dir, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        if (!Files.exists(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * Whether a process still runs. A zombie does not: it has ended and waits for its parent (or, orphaned, for
     * process 1, which in some containers never comes) to collect its exit status; {@link ProcessHandle#isAlive}
     * counts it as alive.
     */
    static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && !isZombie(Path.of("/proc", Long.toString(process.pid())));
    }

    private static boolean isZombie(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void git(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git", "-C", work().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("git " + args[0] + " did not end");
            }
            assertEquals(0, p.exitValue(), () -> "git " + String.join(" ", args) + ": " + new String(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
