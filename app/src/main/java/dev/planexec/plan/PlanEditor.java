package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a plan as the bytes of the file it was read from, edited: a known field whose value differs from the one
 * read is written anew (or added, or taken out), tasks not in the file are added and tasks no longer in the plan
 * are taken out. Every other byte — white space, key order, number literals, escapes, line endings, a byte order
 * mark, the final newline or its absence — is copied. What is written anew follows the file's layout
 * ({@link JsonStyle}).
 */
final class PlanEditor {
    private final PlanSource source;
    private final JsonSource document;
    private final byte[] src;
    private final JsonStyle style;

    PlanEditor(PlanSource source) {
        this.source = source;
        this.document = source.document();
        this.src = document.bytes();
        this.style = source.style();
    }

    byte[] write(Plan plan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length + 4096);
        out.write(src, 0, document.rootStart());
        writePlan(out, plan);
        out.write(src, document.rootEnd(), src.length - document.rootEnd());
        return out.toByteArray();
    }

    private void writePlan(ByteArrayOutputStream out, Plan plan) {
        JsonNode root = document.root();
        JsonSource.Span span = document.span(root);
        Plan read = source.read();
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        for (String field : PlanWriter.PLAN_FIELDS) {
            JsonNode now = PlanWriter.planField(plan, field);
            if (!Objects.equals(now, PlanWriter.planField(read, field))) {
                changes.put(field, now);
            }
        }
        int tasksAt = span.indexOf("tasks");
        byte[] tasks = tasksBytes(plan.tasks(), document.span(root.get("tasks")));
        writeObject(out, span, changes, tasksAt, tasks);
    }

    private byte[] tasksBytes(List<Task> tasks, JsonSource.Span span) {
        List<Item> items = new ArrayList<>(tasks.size());
        String elementIndent = null;
        boolean indentKnown = false;
        JsonNode tasksNode = document.root().get("tasks");
        for (Task task : tasks) {
            int index = source.taskIndex(task);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            if (index >= 0) {
                writeTask(text, task, tasksNode.get(index), index, span);
            } else {
                if (!indentKnown) {
                    elementIndent = itemIndent(span);
                    indentKnown = true;
                }
                style.write(
                        text,
                        PlanWriter.freshTask(task),
                        Objects.requireNonNullElse(elementIndent, ""),
                        elementIndent == null);
            }
            items.add(new Item(index, text.toByteArray()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(span.end() - span.start() + 1024);
        rebuild(out, span, items);
        return out.toByteArray();
    }

    /** Writes {@code task}, read from {@code node}, the {@code index}th of the file's tasks. */
    private void writeTask(ByteArrayOutputStream out, Task task, JsonNode node, int index, JsonSource.Span tasksSpan) {
        Task read = source.readTask(node);
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        if (!task.equals(read)) {
            for (String field : PlanWriter.TASK_FIELDS) {
                JsonNode now = PlanWriter.taskField(task, field);
                if (!Objects.equals(now, PlanWriter.taskField(read, field))) {
                    changes.put(field, now);
                }
            }
        }
        int start = tasksSpan.valueStart()[index];
        int end = tasksSpan.itemEnd()[index];
        if (changes.isEmpty()) {
            out.write(src, start, end - start);
        } else {
            writeObject(out, document.span(node), changes, -1, null);
        }
    }

    /**
     * Writes the object at {@code span} with {@code changes} made: a field mapped to {@code null} is taken out, one
     * the object has gets its new value, one it lacks is added at its end. The field at {@code bytesAt}, if any, is
     * written with the value {@code bytes}.
     */
    private void writeObject(
            ByteArrayOutputStream out, JsonSource.Span span, Map<String, JsonNode> changes, int bytesAt, byte[] bytes) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < span.size(); i++) {
            String key = span.keys()[i];
            if (i == bytesAt) {
                items.add(new Item(i, member(span, i, bytes)));
            } else if (!changes.containsKey(key)) {
                items.add(new Item(i, slice(span.itemStart()[i], span.itemEnd()[i])));
            } else if (changes.get(key) != null) {
                items.add(new Item(i, member(span, i, render(changes.get(key), span, i))));
            }
        }
        String memberIndent = null;
        boolean indentKnown = false;
        for (Map.Entry<String, JsonNode> change : changes.entrySet()) {
            if (change.getValue() == null || span.indexOf(change.getKey()) >= 0) {
                continue;
            }
            if (!indentKnown) {
                memberIndent = itemIndent(span);
                indentKnown = true;
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            JsonStyle.string(text, change.getKey());
            JsonStyle.ascii(text, colonOf(span));
            style.write(text, change.getValue(), Objects.requireNonNullElse(memberIndent, ""), memberIndent == null);
            items.add(new Item(-1, text.toByteArray()));
        }
        rebuild(out, span, items);
    }

    /** A member with its own name and separator and a new value. */
    private byte[] member(JsonSource.Span span, int i, byte[] value) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(value.length + 32);
        text.write(src, span.itemStart()[i], span.valueStart()[i] - span.itemStart()[i]);
        text.writeBytes(value);
        return text.toByteArray();
    }

    /**
     * A new value for member {@code i}, laid out like its line: on several lines where the member starts a line of
     * a pretty file, unless the old value was a non-empty object or array written on one line.
     */
    private byte[] render(JsonNode value, JsonSource.Span span, int i) {
        String indent = lineIndent(span.itemStart()[i]);
        int from = span.valueStart()[i];
        int to = span.itemEnd()[i];
        boolean oneLine = true;
        for (int k = from; k < to; k++) {
            if (src[k] == '\n' || src[k] == '\r') {
                oneLine = false;
                break;
            }
        }
        boolean emptyBefore = to - from == 2 && (src[from] == '[' || src[from] == '{');
        boolean wasContainer = src[from] == '[' || src[from] == '{';
        boolean inline = indent == null || (wasContainer && oneLine && !emptyBefore);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        style.write(text, value, Objects.requireNonNullElse(indent, ""), inline);
        return text.toByteArray();
    }

    /**
     * Writes the object or array at {@code span} holding {@code items}. Between two items that were neighbours in
     * the file, the file's own bytes; elsewhere the separator the file uses most recently in this object or array.
     */
    private void rebuild(ByteArrayOutputStream out, JsonSource.Span span, List<Item> items) {
        byte open = src[span.start()];
        byte close = src[span.end() - 1];
        int n = span.size();
        if (items.isEmpty()) {
            out.write(open);
            out.write(close);
            return;
        }
        String leading;
        String trailing;
        if (n > 0) {
            leading = document.text(span.start() + 1, span.itemStart()[0]);
            trailing = document.text(span.itemEnd()[n - 1], span.end() - 1);
        } else {
            String own = indentOfLine(span.start());
            leading = style.pretty() ? style.newline() + own + style.indent() : "";
            trailing = style.pretty() ? style.newline() + own : "";
        }
        String separator = separator(span, leading);
        out.write(open);
        JsonStyle.ascii(out, leading);
        for (int k = 0; k < items.size(); k++) {
            Item item = items.get(k);
            if (k > 0) {
                Item before = items.get(k - 1);
                if (before.index >= 0 && item.index == before.index + 1) {
                    out.write(
                            src,
                            span.itemEnd()[before.index],
                            span.itemStart()[item.index] - span.itemEnd()[before.index]);
                } else {
                    out.writeBytes(separator.getBytes(StandardCharsets.UTF_8));
                }
            }
            out.writeBytes(item.text);
        }
        JsonStyle.ascii(out, trailing);
        out.write(close);
    }

    /** What stands between two items of {@code span}: the last such separator it has, or one made like its start. */
    private String separator(JsonSource.Span span, String leading) {
        int n = span.size();
        if (n >= 2) {
            return document.text(span.itemEnd()[n - 2], span.itemStart()[n - 1]);
        }
        return "," + leading;
    }

    /** The indentation of a new item of {@code span}, or {@code null} if its items share a line. */
    private String itemIndent(JsonSource.Span span) {
        int n = span.size();
        if (n == 0) {
            return style.pretty() ? indentOfLine(span.start()) + style.indent() : null;
        }
        String separator = separator(span, document.text(span.start() + 1, span.itemStart()[0]));
        int lastBreak = Math.max(separator.lastIndexOf('\n'), separator.lastIndexOf('\r'));
        return lastBreak < 0 || !style.pretty() ? null : separator.substring(lastBreak + 1);
    }

    /** What separates a name from its value in {@code span}: as its first member does, else as the file does. */
    private String colonOf(JsonSource.Span span) {
        if (span.size() == 0) {
            return style.colon();
        }
        return document.text(span.keyEnd()[0], span.valueStart()[0]);
    }

    /**
     * The white space before {@code at} on its line, if only white space comes before it there; {@code null} if
     * something else does (the value shares its line).
     */
    private String lineIndent(int at) {
        int k = at;
        while (k > 0 && (src[k - 1] == ' ' || src[k - 1] == '\t')) {
            k--;
        }
        boolean lineStart = k == 0 || src[k - 1] == '\n' || src[k - 1] == '\r' || k == document.contentStart();
        return lineStart ? document.text(k, at) : null;
    }

    /** The white space that starts the line {@code at} is on. */
    private String indentOfLine(int at) {
        int start = at;
        while (start > document.contentStart() && src[start - 1] != '\n' && src[start - 1] != '\r') {
            start--;
        }
        int end = start;
        while (end < at && (src[end] == ' ' || src[end] == '\t')) {
            end++;
        }
        return document.text(start, end);
    }

    private byte[] slice(int from, int to) {
        byte[] copy = new byte[to - from];
        System.arraycopy(src, from, copy, 0, copy.length);
        return copy;
    }

    /** One member or element: where it was in the file ({@code -1} for a new one) and its text. */
    private record Item(int index, byte[] text) {}
}
