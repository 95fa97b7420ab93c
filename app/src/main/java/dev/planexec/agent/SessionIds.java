package dev.planexec.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Session ids planexec chooses, and the safe file names they become. */
public final class SessionIds {
    /** Every id planexec chooses starts with this, so its sessions can be told apart from a user's others. */
    public static final String PREFIX = "planexec-";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private SessionIds() {}

    /** {@code planexec-<plan>-<task>-<random>}, e.g. {@code planexec-demo-setup-3f9a1c2e}. */
    public static String newId(String planId, String taskId) {
        String random = String.format("%08x", ThreadLocalRandom.current().nextInt());
        return PREFIX + slug(planId, 24) + "-" + slug(taskId, 40) + "-" + random;
    }

    /**
     * A file name for {@code sessionId} that cannot leave the folder it is resolved in: the id itself when it is
     * plainly safe, else a hash of it ({@code ../../x} becomes {@code h-5d4c...}).
     */
    public static String fileName(String sessionId) {
        if (SAFE.matcher(sessionId).matches() && !sessionId.contains("..")) {
            return sessionId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return "h-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String slug(String text, int max) {
        String s = text == null ? "" : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        s = s.replaceAll("^-+|-+$", "");
        if (s.length() > max) {
            s = s.substring(0, max).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "x" : s;
    }
}
