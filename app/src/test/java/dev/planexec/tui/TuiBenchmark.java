package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.planexec.agent.AgentEvent;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * How the full-screen UI holds up under a flood of output (not a test): one task prints about 5 MB a second for 10
 * seconds while {@code j}/{@code k} are pressed a few times a second. A real {@link TuiApp} runs its loop (a turn,
 * then 5 ms of sleep, as {@link TuiApp#run} does) on a Lanterna virtual terminal, with the output coming either
 * straight from a producer thread (one event per line, as the local agent sends them) or from a real {@code local}
 * step run by the real scheduler.
 *
 * <p>Reports, per scenario: the output rate reached, frames drawn per second, the delay between a key going into
 * the terminal's input and the first frame that shows its effect (the selection moved; median, p95, max), and heap:
 * the most heap in use just after any collection during the scenario, the heap's raw peak (garbage included), and
 * the heap in use at the end after a full collection. Prints one table to standard output.
 *
 * <p>Run it (in a JVM of its own, small heap, so that a leak would show) from the repository root:
 *
 * <pre>
 * mvn -B -q -pl app test-compile org.codehaus.mojo:exec-maven-plugin:3.6.2:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-Xmx256m -cp %classpath dev.planexec.tui.TuiBenchmark"
 * </pre>
 *
 * <p>System properties: {@code bench.seconds} (per scenario, default 10), {@code bench.rate} (MB/s, default 5).
 */
public final class TuiBenchmark {
    private static final int LINE_CHARS = 99; // plus the newline: 100 bytes a line
    private static final long KEY_GAP_MILLIS = 150;

    private int seconds = Integer.getInteger("bench.seconds", 10);
    private final double rate = Double.parseDouble(System.getProperty("bench.rate", "5"));
    private final PrintStream out = System.out;

    public static void main(String[] args) throws Exception {
        new TuiBenchmark().run();
        System.exit(0); // the run's daemon threads end with the JVM
    }

    private void run() throws Exception {
        out.printf(
                Locale.ROOT,
                "planexec TUI benchmark: %.1f MB/s of output from one task for %d s per scenario, j/k every %d ms;"
                        + " Java %s, %d cpus, max heap %d MB%n%n",
                rate,
                seconds,
                KEY_GAP_MILLIS,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        // A first, shorter pass, not reported, so that the reported ones measure compiled code, not the JIT at work.
        int reported = seconds;
        seconds = Math.max(1, seconds / 3);
        scenario("warm-up", 120, 40, false);
        seconds = reported;
        List<Result> results = new ArrayList<>();
        results.add(scenario("producer, 1 event/line", 120, 40, false));
        results.add(scenario("producer, 1 event/line", 80, 24, false));
        results.add(scenario("local agent step (sh)", 120, 40, true));
        table(results);
    }

    private Result scenario(String name, int columns, int rows, boolean localStep) throws Exception {
        Path dir = Files.createTempDirectory("planexec-tui-bench-");
        DefaultVirtualTerminal vt = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        TerminalScreen screen = new TerminalScreen(vt);
        screen.startScreen();
        AtomicLong bytes = new AtomicLong();
        Thread producer = null;
        TuiFixtures.LocalRun localRun = localStep ? localRun(dir) : null;
        Plan plan = localStep
                ? localRun.plan()
                : TuiFixtures.plan(
                        "bench",
                        "Benchmark",
                        TuiFixtures.task("noisy", "Print a lot", "", List.of(), List.of()),
                        TuiFixtures.task("quiet", "Print nothing", "", List.of(), List.of()));
        TuiApp app = new TuiApp(screen, plan, null, new Theme(true), Glyphs.UNICODE, Instant::now);
        try {
            if (localStep) {
                app.begin(List.of(), localRun.starter(app, 1, counting(bytes)));
            } else {
                app.begin(List.of(), TuiFixtures.silent(dir));
                Task noisy = plan.tasks().get(0);
                app.listener()
                        .onEvent(new RunEvent.StateChanged(
                                noisy,
                                noisy.starting(
                                        "planexec-bench-noisy-1", Instant.now().toString())));
                producer = producer(app.listener(), bytes);
            }
            Result result;
            try (HeapWatch heap = new HeapWatch()) {
                result = loop(name, columns + "x" + rows, app, vt, bytes);
                if (producer != null) {
                    producer.interrupt();
                    producer.join();
                }
                result.liveMaxMb = heap.maxLive / 1e6;
                result.collections = heap.collections;
                result.peakMb = heap.peak() / 1e6;
            }
            System.gc();
            result.liveEndMb = HeapWatch.used() / 1e6;
            return result;
        } finally {
            if (producer != null) {
                producer.interrupt();
            }
            if (localRun != null) {
                localRun.close(); // stops the run and waits for its end: nothing writes to dir after this
            }
            screen.stopScreen();
            SecureFiles.deleteTree(dir);
        }
    }

    /**
     * Turns of the UI loop for the scenario's time. A typist thread presses {@code j} or {@code k} at a moment of its
     * own, as a terminal's input would arrive, {@value #KEY_GAP_MILLIS} ms after the last key showed; the loop notes
     * the first turn whose frame shows the selection moved.
     */
    private Result loop(String name, String size, TuiApp app, DefaultVirtualTerminal vt, AtomicLong bytes)
            throws IOException, InterruptedException {
        List<Long> delays = new ArrayList<>();
        long framesBefore = app.frames();
        long bytesBefore = bytes.get();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong keySent = new AtomicLong(); // 0: no key waiting to show
        AtomicInteger wantedRow = new AtomicInteger(-1);
        Thread typist = new Thread(
                () -> {
                    boolean down = true; // noisy (row 2) is selected first: go down to quiet (row 3), then back
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(KEY_GAP_MILLIS);
                            wantedRow.set(down ? 3 : 2);
                            keySent.set(System.nanoTime());
                            vt.addInput(new KeyStroke(down ? 'j' : 'k', false, false));
                            down = !down;
                            while (keySent.get() != 0) {
                                Thread.sleep(1);
                            }
                        }
                    } catch (InterruptedException e) {
                        // the scenario is over
                    }
                },
                "bench-typist");
        typist.setDaemon(true);
        typist.start();
        try {
            while (System.nanoTime() < end) {
                app.step();
                long sent = keySent.get();
                if (sent != 0 && vt.getCharacter(5, wantedRow.get()).isReversed()) {
                    delays.add(System.nanoTime() - sent);
                    keySent.set(0);
                }
                Thread.sleep(5);
            }
        } finally {
            typist.interrupt();
            typist.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Result r = new Result();
        r.name = name;
        r.size = size;
        r.mbPerSecond = (bytes.get() - bytesBefore) / 1e6 / elapsed;
        r.framesPerSecond = (app.frames() - framesBefore) / elapsed;
        delays.sort(Comparator.naturalOrder());
        r.keys = delays.size();
        r.medianMs = percentile(delays, 50);
        r.p95Ms = percentile(delays, 95);
        r.maxMs = delays.isEmpty() ? Double.NaN : delays.get(delays.size() - 1) / 1e6;
        return r;
    }

    /** Posts lines of output for {@code noisy} at the set rate, one event per line. */
    private Thread producer(RunListener listener, AtomicLong bytes) {
        String line = "x".repeat(LINE_CHARS - 12);
        Thread t = new Thread(
                () -> {
                    long start = System.nanoTime();
                    long sent = 0;
                    long n = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        double due = (System.nanoTime() - start) / 1e9 * rate * 1e6;
                        while (sent < due) {
                            String text = String.format(Locale.ROOT, "%010d: %s", n++, line);
                            listener.onEvent(new RunEvent.TaskOutput(
                                    "noisy", new AgentEvent.Output(AgentEvent.Stream.STDOUT, text)));
                            sent += text.length() + 1;
                        }
                        bytes.set(sent);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-producer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A plan whose {@code noisy} task is a real local step printing the set rate (in bursts every 100 ms) for longer
     * than the scenario, run by the real scheduler.
     */
    private TuiFixtures.LocalRun localRun(Path dir) throws Exception {
        long burst = Math.round(rate * 1e6 / 10);
        String step = "i=0; while [ $i -lt " + (seconds * 10 + 100) + " ]; do head -c " + burst
                + " /dev/zero | tr '\\000' x | fold -w " + LINE_CHARS + "; sleep 0.1; i=$((i+1)); done";
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("noisy", step);
        steps.put("quiet", "true");
        return new TuiFixtures.LocalRun(dir, steps);
    }

    /** Counts the bytes of output (a newline a line) that reach the app. */
    private static RunListener counting(AtomicLong bytes) {
        return event -> {
            if (event instanceof RunEvent.TaskOutput o && o.event() instanceof AgentEvent.Output text) {
                bytes.addAndGet(text.text().length() + 1);
            }
        };
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    private void table(List<Result> results) {
        String format = "%-24s %-7s %6s %9s %5s %10s %7s %7s %5s %12s %8s %7s%n";
        out.printf(
                Locale.ROOT,
                format,
                "scenario",
                "size",
                "MB/s",
                "frames/s",
                "keys",
                "key med ms",
                "p95 ms",
                "max ms",
                "GCs",
                "live max MB",
                "peak MB",
                "end MB");
        for (Result r : results) {
            out.printf(
                    Locale.ROOT,
                    format,
                    r.name,
                    r.size,
                    String.format(Locale.ROOT, "%.2f", r.mbPerSecond),
                    String.format(Locale.ROOT, "%.1f", r.framesPerSecond),
                    r.keys,
                    String.format(Locale.ROOT, "%.1f", r.medianMs),
                    String.format(Locale.ROOT, "%.1f", r.p95Ms),
                    String.format(Locale.ROOT, "%.1f", r.maxMs),
                    r.collections,
                    String.format(Locale.ROOT, "%.1f", r.liveMaxMb),
                    String.format(Locale.ROOT, "%.1f", r.peakMb),
                    String.format(Locale.ROOT, "%.1f", r.liveEndMb));
        }
        out.println();
        out.println("key = from j/k put into the terminal's input (by another thread) to the first frame that shows"
                + " the selection moved;");
        out.println("live max = most heap in use just after any of the scenario's GCs (all heap pools);");
        out.println("peak = heap high-water mark including garbage; end = heap in use after a full GC at the end.");
    }

    private static final class Result {
        String name;
        String size;
        double mbPerSecond;
        double framesPerSecond;
        int keys;
        double medianMs;
        double p95Ms;
        double maxMs;
        double liveMaxMb;
        double peakMb;
        double liveEndMb;
        int collections;
    }

    /** Notes the heap in use just after each collection (every pool, old ones included), and the high-water mark. */
    private static final class HeapWatch implements NotificationListener, AutoCloseable {
        private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
        private final Set<String> heapPools =
                pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        volatile long maxLive;
        volatile int collections;

        HeapWatch() {
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener(this, null, null);
            }
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long live = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                    .filter(e -> heapPools.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed())
                    .sum();
            synchronized (this) {
                maxLive = Math.max(maxLive, live);
                collections++;
            }
        }

        long peak() {
            return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        }

        static long used() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        @Override
        public void close() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(this);
                } catch (ListenerNotFoundException e) {
                    // not registered with this collector
                }
            }
        }
    }
}
