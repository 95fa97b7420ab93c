package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash safety of the real process: a plan of ten tasks (two diamonds) with several short steps each is run with
 * {@code --on-orphans resume} and killed with {@code kill -9} at many moments spread over the run, then finished.
 *
 * <p>Every step appends the session it runs in to its own marker file, so the marker files count how many times
 * each step ran to its end. After every kill the test checks what DESIGN.md promises of the plan file and the
 * sessions; at the end, that no step that had durably finished before a kill ran again.
 */
class CrashSafetyIT {
    private static final long SEED = 20261121L;
    private static final int MIN_KILLS = 32;
    /** The exit code of a JVM ended by SIGKILL. */
    private static final int KILLED = 128 + 9;
    /** Timed kills come this long after the JVM started: from before it has read the plan to well into the run. */
    private static final int FIRST_KILL_MS = 150;

    private static final int LAST_KILL_MS = 3200;
    /** How long a kill waits for the event it aims at before it comes anyway. */
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(4);
    /** {@code HH:MM:SS  <task>  <old> → done  <session>}: the scheduler prints it only once it is saved. */
    private static final Pattern DONE_LINE =
            Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\s+(\\S+)\\s+\\S+(?: \\(new session\\))?\\s+(?:→|->)\\s+done\\b");

    /** Two diamonds (fetch → lint, compile → link; docs → assets → package ← link) meeting in release. */
    private static final Map<String, List<String>> GRAPH = graph();

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void kill_9_at_any_moment_keeps_the_plan_truthful_and_resume_runs_no_finished_step_twice() {
        long began = System.nanoTime();
        Random random = new Random(SEED);
        List<Moment> moments = killMoments(random);
        Stats stats = new Stats();
        Round round = new Round(1, random);
        int starts = 0;
        while (stats.kills < MIN_KILLS) {
            Moment moment = moments.get(starts++ % moments.size());
            PlanexecProcess run = round.start();
            String reached = round.await(run, moment);
            if (reached != null && run.kill9() == KILLED) {
                stats.kills++;
                stats.killsBy.merge(reached, 1, Integer::sum);
                round.verifyAfterKill(run, stats);
            } else {
                // The plan finished before this kill: check it, then go on with a fresh copy of the plan.
                assertEquals(0, run.awaitExit(Duration.ZERO), run::describe);
                round.verifyFinished(stats);
                stats.rounds++;
                round = new Round(round.number + 1, random);
            }
        }

        PlanexecProcess last = round.start();
        assertEquals(0, last.awaitExit(Duration.ofSeconds(90)), last::describe);
        round.verifyFinished(stats);
        stats.rounds++;
        List<MarkedProcesses.Found> left = MarkedProcesses.awaitNone(marker(), Set.of(), Duration.ofSeconds(2));
        assertTrue(left.isEmpty(), () -> "step processes still alive after the final run: " + left);

        System.out.printf(
                Locale.ROOT,
                "CrashSafetyIT: %d kills %s over %d plan runs to completion; %d 'done' lines checked against the "
                        + "file; %d steps finished before a kill and checked not to run again; %d steps ran more "
                        + "than once (killed while running); %d sessions left behind by a fallback to a fresh session; %.1f s%n",
                stats.kills,
                stats.killsBy,
                stats.rounds,
                stats.printedDone,
                stats.frozenSteps,
                stats.rerunSteps,
                stats.supersededSessions.size(),
                (System.nanoTime() - began) / 1e9);
        assertTrue(stats.kills >= 30);
    }

    private String marker() {
        return sandbox.marker();
    }

    /**
     * When a kill comes: most at times spread evenly from {@value #FIRST_KILL_MS} ms to {@value #LAST_KILL_MS} ms
     * after the JVM started, the rest at the instant something happens on disk, to hit the short windows a
     * clock-driven kill rarely does.
     */
    private sealed interface Moment {
        /** {@code millis} after the start. */
        record After(int millis) implements Moment {}

        /** As soon as a new session folder of the plan appears: between its creation and its first events. */
        record SessionAppears() implements Moment {}

        /** As soon as a step's marker file grows: the step is over, its end may not be recorded yet. */
        record StepEnds() implements Moment {}
    }

    /** A shuffled but fixed sequence of kill moments. */
    private static List<Moment> killMoments(Random random) {
        int timed = 26;
        List<Moment> moments = new ArrayList<>();
        for (int i = 0; i < timed; i++) {
            moments.add(new Moment.After(FIRST_KILL_MS + (LAST_KILL_MS - FIRST_KILL_MS) * i / (timed - 1)));
        }
        for (int i = 0; i < 6; i++) {
            moments.add(new Moment.SessionAppears());
            moments.add(new Moment.StepEnds());
        }
        Collections.shuffle(moments, random);
        return moments;
    }

    private static Map<String, List<String>> graph() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("fetch", List.of());
        g.put("lint", List.of("fetch"));
        g.put("compile", List.of("fetch"));
        g.put("link", List.of("lint", "compile"));
        g.put("docs", List.of());
        g.put("assets", List.of("docs"));
        g.put("test", List.of("link"));
        g.put("package", List.of("link", "assets"));
        g.put("report", List.of("docs"));
        g.put("release", List.of("test", "package", "report"));
        return g;
    }

    private static final class Stats {
        int kills;
        int rounds;
        int frozenSteps;
        int rerunSteps;
        int printedDone;
        final Set<String> supersededSessions = new HashSet<>();
        final Map<String, Integer> killsBy = new TreeMap<>();
    }

    /** One copy of the plan, run (and killed) until it is done. */
    private final class Round {
        final int number;
        final String planId;
        final Path planFile;
        final Path markers;
        final Map<String, Integer> stepCounts = new LinkedHashMap<>();
        /** Steps that had durably finished at some kill, with their marker count then: it may never grow. */
        final Map<String, Integer> frozen = new LinkedHashMap<>();
        /** The kill at which each frozen step was first seen finished. */
        final Map<String, Integer> frozenAtKill = new LinkedHashMap<>();

        Round(int number, Random random) {
            this.number = number;
            this.planId = "crash-r" + number;
            Path dir = sandbox.work().resolve("round-" + number);
            ItPlan plan = new ItPlan(planId, marker());
            for (Map.Entry<String, List<String>> task : GRAPH.entrySet()) {
                int steps = 2 + random.nextInt(3);
                String[] commands = new String[steps];
                for (int s = 0; s < steps; s++) {
                    String sleep = String.format(Locale.ROOT, "%.2f", 0.1 + random.nextInt(51) / 100.0);
                    commands[s] = ItPlan.markerStep(task.getKey(), s, sleep);
                }
                stepCounts.put(task.getKey(), steps);
                plan.task(task.getKey(), task.getValue(), commands);
            }
            this.planFile = plan.writeTo(dir.resolve("plan.json"));
            this.markers = dir.resolve("markers");
        }

        PlanexecProcess start() {
            return sandbox.start("run", planFile.toString(), "--plain", "--on-orphans", "resume", "--concurrency", "3");
        }

        /**
         * Waits for {@code moment}; returns what was reached (for the statistics), or {@code null} if the run
         * ended first. An event that does not come within {@link #EVENT_TIMEOUT} counts as reached then.
         */
        String await(PlanexecProcess run, Moment moment) {
            if (moment instanceof Moment.After after) {
                return run.exitsWithin(Duration.ofMillis(after.millis())) ? null : "timed";
            }
            Set<String> sessionsBefore = sessionFolders();
            long markersBefore = markerBytes();
            long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
            while (run.isAlive()) {
                if (moment instanceof Moment.SessionAppears) {
                    if (!sessionsBefore.containsAll(sessionFolders())) {
                        return "at a session's creation";
                    }
                } else if (markerBytes() != markersBefore) {
                    return "at a step's end";
                }
                if (System.nanoTime() > deadline) {
                    return "timed";
                }
                LockSupport.parkNanos(200_000);
            }
            return null;
        }

        Set<String> sessionFolders() {
            String[] names = SessionLogs.dir(sandbox.home()).toFile().list();
            Set<String> mine = new HashSet<>();
            if (names != null) {
                for (String name : names) {
                    if (name.startsWith("planexec-" + planId + "-")) {
                        mine.add(name);
                    }
                }
            }
            return mine;
        }

        long markerBytes() {
            File[] files = markers.toFile().listFiles();
            long total = 0;
            if (files != null) {
                for (File f : files) {
                    total += f.length();
                }
            }
            return total;
        }

        Plan load() {
            try {
                return PlanFiles.load(planFile, AgentRegistry.NAMES);
            } catch (InvalidPlanException e) {
                throw new AssertionError("the plan file does not parse: " + e.problems(), e);
            }
        }

        int count(String task, int step) {
            return Sandbox.lines(markers.resolve(ItPlan.markerName(task, step)));
        }

        void verifyAfterKill(PlanexecProcess run, Stats stats) {
            int kill = stats.kills;
            String at = "after kill " + kill + " (round " + number + ")";
            Plan plan = load();

            // Every task reported done before the kill is done in the file.
            for (String line : run.stdoutLines()) {
                Matcher m = DONE_LINE.matcher(line);
                if (m.find()) {
                    stats.printedDone++;
                    Task task = plan.task(m.group(1))
                            .orElseThrow(() -> new AssertionError(at + ": printed " + "an unknown task: " + line));
                    assertEquals(
                            TaskStatus.DONE,
                            task.status(),
                            () -> at + ": printed '" + line + "' but the file says " + states(plan));
                }
            }

            // No other states than these under kill -9, and every started task names its session.
            for (Task task : plan.tasks()) {
                assertTrue(
                        EnumSet.of(TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.DONE)
                                .contains(task.status()),
                        () -> at + ": unexpected status of " + task.id() + ": " + states(plan));
                if (task.status() != TaskStatus.PENDING) {
                    assertNotNull(
                            task.sessionId(),
                            () -> at + ": " + task.id() + " is " + task.status() + " without a sessionId");
                }
            }

            // Every session that exists is named by its task in the file (write-ahead), or was superseded by a
            // fresh one that the task's notes record.
            for (SessionLogs.Session session : SessionLogs.all(sandbox.home())) {
                if (!session.folder().startsWith("planexec-" + planId + "-")) {
                    continue;
                }
                Optional<Task> owner = plan.tasks().stream()
                        .filter(t -> session.folder().equals(t.sessionId()))
                        .findFirst();
                Optional<Task> superseded = plan.tasks().stream()
                        .filter(t -> t.notes().stream().anyMatch(n -> n.contains(session.folder())))
                        .findFirst();
                Task task = owner.or(() -> superseded)
                        .orElseThrow(() -> new AssertionError(at + ": session " + session.folder()
                                + " exists but no task of the plan file names it: " + states(plan)));
                if (session.taskId() != null) {
                    assertEquals(task.id(), session.taskId(), at + ": session " + session.folder());
                    assertEquals(planFile.toString(), session.plan(), at + ": session " + session.folder());
                }
                if (owner.isEmpty()) {
                    stats.supersededSessions.add(session.folder());
                } else {
                    assertTrue(
                            task.status() == TaskStatus.IN_PROGRESS || task.status() == TaskStatus.DONE,
                            () -> at + ": session " + session.folder() + " started but its task is " + task.status());
                }
                // A step whose end is on disk is finished for good: from now on its marker count may not grow.
                for (int step : session.finishedSteps()) {
                    String key = ItPlan.markerName(task.id(), step);
                    if (!frozen.containsKey(key)) {
                        int count = count(task.id(), step);
                        assertTrue(count >= 1, () -> at + ": step " + key + " ended with 0 but left no marker");
                        frozen.put(key, count);
                        frozenAtKill.put(key, kill);
                    }
                }
            }

            // A done task's session holds every one of its steps finished.
            for (Task task : plan.tasks()) {
                if (task.status() == TaskStatus.DONE) {
                    SessionLogs.Session session =
                            SessionLogs.read(SessionLogs.dir(sandbox.home()).resolve(task.sessionId()));
                    assertEquals(
                            stepCounts.get(task.id()),
                            session.finishedSteps().size(),
                            () -> at + ": done task " + task.id() + " but its session " + task.sessionId()
                                    + " records these steps finished: " + session.finishedSteps());
                }
            }
            checkFrozen(at);
        }

        void verifyFinished(Stats stats) {
            String at = "when round " + number + " finished";
            Plan plan = load();
            for (Task task : plan.tasks()) {
                assertEquals(TaskStatus.DONE, task.status(), () -> at + ": " + states(plan));
                for (int step = 0; step < stepCounts.get(task.id()); step++) {
                    String key = ItPlan.markerName(task.id(), step);
                    int count = count(task.id(), step);
                    assertTrue(count >= 1, () -> at + ": step " + key + " never ran");
                    if (count > 1) {
                        stats.rerunSteps++;
                    }
                    List<String> lines;
                    try {
                        lines = Files.readAllLines(markers.resolve(key));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    // The last run of every step was in the session the task finished in, and saw its id.
                    assertEquals(
                            task.sessionId(),
                            lines.get(lines.size() - 1),
                            () -> at + ": step " + key + " last ran in another session than its task's: " + lines);
                }
            }
            checkFrozen(at);
            stats.frozenSteps += frozen.size();
            assertTrue(
                    Files.notExists(planFile.resolveSibling("plan.json.lock")),
                    at + ": a finished run leaves no lock file");
        }

        /** {@code id=status/session} for each task, for failure messages. */
        private static String states(Plan plan) {
            return plan.tasks().stream()
                    .map(t -> t.id() + "=" + t.status() + "/" + t.sessionId()
                            + (t.notes().isEmpty() ? "" : t.notes()))
                    .toList()
                    .toString();
        }

        private void checkFrozen(String at) {
            frozen.forEach((key, count) -> {
                int now = Sandbox.lines(markers.resolve(key));
                if (now != count) {
                    fail(at + ": step " + key + " had finished durably at kill " + frozenAtKill.get(key) + " with "
                            + count + " run(s), and ran again: now " + now);
                }
            });
        }
    }
}
