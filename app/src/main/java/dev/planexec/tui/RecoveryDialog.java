package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.RecoveryAction;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The choices for orphaned tasks, shown before anything runs: a row per task (title, session, whether it still
 * exists, last activity, the choice so far), and Resume / Start Fresh / Clean Up for the selected task or for all.
 */
final class RecoveryDialog {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    final List<Orphan> orphans;
    final Map<String, RecoveryAction> choices = new LinkedHashMap<>();
    int selected;

    RecoveryDialog(List<Orphan> orphans) {
        this.orphans = List.copyOf(orphans);
    }

    /** Chooses for the selected task and moves to the next task without a choice. */
    void choose(RecoveryAction action) {
        choices.put(orphans.get(selected).taskId(), action);
        for (int i = 1; i <= orphans.size(); i++) {
            int next = (selected + i) % orphans.size();
            if (!choices.containsKey(orphans.get(next).taskId())) {
                selected = next;
                return;
            }
        }
    }

    void chooseAll(RecoveryAction action) {
        orphans.forEach(o -> choices.put(o.taskId(), action));
    }

    boolean complete() {
        return choices.size() == orphans.size();
    }

    void move(int delta) {
        selected = Math.max(0, Math.min(orphans.size() - 1, selected + delta));
    }

    void draw(TextGraphics g, TerminalSize size, Theme theme, Overlays overlays) {
        int width = Math.min(size.getColumns() - 2, 110);
        int listRows = Math.min(orphans.size(), Math.max(1, size.getRows() - 12));
        int height = listRows + 9;
        int left = (size.getColumns() - width) / 2;
        int top = Math.max(0, (size.getRows() - height) / 2);
        overlays.box(
                g,
                left,
                top,
                width,
                height,
                "Recovery: " + orphans.size() + (orphans.size() == 1 ? " task was" : " tasks were")
                        + " left unfinished by an earlier run");
        int inner = width - 4;
        // Columns: marker 2, task, session, EXISTS 6, LAST ACTIVITY 14, CHOICE 11, a space between each.
        int shared = inner - 37;
        int longestSession = orphans.stream()
                .mapToInt(o ->
                        o.task().sessionId() == null ? 1 : o.task().sessionId().length())
                .max()
                .orElse(1);
        int sessionWidth = Math.max(7, Math.min(longestSession, shared * 2 / 3));
        int taskWidth = shared - sessionWidth;
        theme.dim(g);
        g.putString(
                left + 2,
                top + 2,
                Text.fit(
                        "  " + Text.fit("TASK", taskWidth) + " " + Text.fit("SESSION", sessionWidth) + " "
                                + Text.fit("EXISTS", 6) + " " + Text.fit("LAST ACTIVITY", 14) + " CHOICE",
                        inner));
        int first = Math.max(0, Math.min(selected - listRows + 1, orphans.size() - listRows));
        first = Math.min(first, selected);
        for (int i = 0; i < listRows && first + i < orphans.size(); i++) {
            int index = first + i;
            Orphan o = orphans.get(index);
            RecoveryAction choice = choices.get(o.taskId());
            String row = (index == selected ? "> " : "  ")
                    + Text.fit(o.taskId() + " · " + o.task().title(), taskWidth) + " "
                    + Text.fitKeepingEnd(o.task().sessionId(), sessionWidth) + " "
                    + Text.fit(o.sessionExists() ? "yes" : "no", 6) + " "
                    + Text.fit(o.lastActivity() == null ? "-" : WHEN.format(o.lastActivity()), 14) + " "
                    + (choice == null ? "?" : choice.label());
            theme.normal(g);
            if (index == selected) {
                theme.selected(g, true);
            }
            g.putString(left + 2, top + 3 + i, Text.fit(row, inner));
        }
        int buttons = top + 4 + listRows;
        theme.key(g);
        g.putString(left + 2, buttons, "[ r Resume ]  [ f Start Fresh ]  [ c Clean Up ]");
        theme.dim(g);
        g.putString(left + 52, buttons, "selected task");
        theme.key(g);
        g.putString(left + 2, buttons + 1, "[ R Resume all ]  [ F Start Fresh all ]  [ C Clean Up all ]");
        theme.normal(g);
        g.putString(
                left + 2,
                buttons + 3,
                Text.fit("Nothing runs until every task has a choice.  ↑↓ select · q quit", inner));
    }
}
