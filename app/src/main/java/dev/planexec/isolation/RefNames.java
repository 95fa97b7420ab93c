package dev.planexec.isolation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Branch and folder names made from plan and task ids, which are the user's free text. An id becomes a name only
 * through {@link #part}: letters, digits, {@code _ - .} are kept, anything else becomes {@code -}, and an id that had
 * to change gets a short hash of itself, so two ids never share a name.
 *
 * <p>Task branches live under {@code planexec-task/}, not under {@code planexec/<plan-id>/}: a git ref cannot be a
 * file ({@code planexec/<plan-id>}, the integration branch) and a folder at once.
 */
public final class RefNames {
    private static final int MAX = 60;

    private RefNames() {}

    public static String integrationBranch(String planId) {
        return "planexec/" + part(planId);
    }

    public static String taskBranch(String planId, String taskId) {
        return "planexec-task/" + part(planId) + "/" + part(taskId);
    }

    public static String backupBranch(String planId, String taskId, int n) {
        return "planexec-backup/" + part(planId) + "/" + part(taskId) + "-" + n;
    }

    /** A safe name component for {@code id}: a valid ref component and a valid file name. */
    public static String part(String id) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < id.length() && b.length() < MAX; i++) {
            char c = id.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-'
                    || (c == '.' && b.length() > 0 && b.charAt(b.length() - 1) != '.');
            b.append(safe ? c : '-');
        }
        String name = b.toString();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1) + "-";
        }
        boolean changed = !name.equals(id) || name.endsWith(".lock") || name.isEmpty();
        return changed ? name + (name.isEmpty() ? "" : "-") + hash(id) : name;
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
