package dev.planexec.console;

import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.RecoveryAction;
import dev.planexec.text.ControlChars;
import java.io.IOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Asks, on the terminal, what to do with each orphaned task: {@code r} Resume, {@code f} Start Fresh, {@code c}
 * Clean Up for this task; {@code R}, {@code F}, {@code C} for this one and all that follow.
 */
public final class OrphanPrompt {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private OrphanPrompt() {}

    /** The choice for each orphan, or empty if the user gave up (Ctrl+C or Ctrl+D). */
    public static Optional<Map<String, RecoveryAction>> ask(List<Orphan> orphans) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            var w = terminal.writer();
            w.println(describe(orphans));
            w.println("For each task: r Resume, f Start Fresh, c Clean Up; R, F, C do the same for all that remain.");
            w.flush();
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            Map<String, RecoveryAction> choices = new LinkedHashMap<>();
            RecoveryAction forAll = null;
            for (Orphan orphan : orphans) {
                while (forAll == null) {
                    String answer;
                    try {
                        answer = reader.readLine(question(orphan)).trim();
                    } catch (UserInterruptException | EndOfFileException e) {
                        return Optional.empty();
                    }
                    Optional<Choice> choice = Choice.parse(answer);
                    if (choice.isEmpty()) {
                        w.println("Type r, f or c (or R, F, C for all).");
                        w.flush();
                        continue;
                    }
                    if (choice.get().all()) {
                        forAll = choice.get().action();
                    } else {
                        choices.put(orphan.taskId(), choice.get().action());
                        break;
                    }
                }
                if (forAll != null) {
                    choices.put(orphan.taskId(), forAll);
                }
            }
            return Optional.of(choices);
        }
    }

    private static String question(Orphan orphan) {
        return ControlChars.visibleInline(orphan.taskId()) + " ("
                + ControlChars.visibleInline(orphan.task().title()) + ") [r/f/c/R/F/C]: ";
    }

    /** The table shown before the question; also used in the error when there is no terminal to ask on. */
    public static String describe(List<Orphan> orphans) {
        StringBuilder s = new StringBuilder();
        s.append(orphans.size() == 1 ? "1 task was" : orphans.size() + " tasks were")
                .append(" left unfinished by an earlier run:\n");
        for (Orphan o : orphans) {
            s.append("  ")
                    .append(ControlChars.visibleInline(o.taskId()))
                    .append("  ")
                    .append(o.task().status().json())
                    .append("  ")
                    .append(ControlChars.visibleInline(o.task().sessionId()))
                    .append("  ")
                    .append(o.sessionExists() ? "session exists" : "session gone")
                    .append(o.lastActivity() == null ? "" : ", last active " + WHEN.format(o.lastActivity()))
                    .append('\n');
        }
        return s.toString().stripTrailing();
    }

    private record Choice(RecoveryAction action, boolean all) {
        static Optional<Choice> parse(String answer) {
            if (answer.length() != 1) {
                return Optional.empty();
            }
            char c = answer.charAt(0);
            RecoveryAction action =
                    switch (Character.toLowerCase(c)) {
                        case 'r' -> RecoveryAction.RESUME;
                        case 'f' -> RecoveryAction.FRESH;
                        case 'c' -> RecoveryAction.CLEAN;
                        default -> null;
                    };
            return action == null ? Optional.empty() : Optional.of(new Choice(action, Character.isUpperCase(c)));
        }
    }
}
