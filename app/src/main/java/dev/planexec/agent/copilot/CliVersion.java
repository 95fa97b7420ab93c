package dev.planexec.agent.copilot;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Copilot CLI version, and the range planexec supports: named here and nowhere else (the README repeats it).
 *
 * <p>{@link #OLDEST} is the oldest CLI planexec is tested with; an older one is refused. {@link #NEWEST_TESTED} is
 * the newest it is tested with; a newer one runs, with a one-line notice. Both are run by the tests ({@code .ci/run}
 * installs them). CLI 1.0.52 and newer need {@link PingCompatibility}.
 */
record CliVersion(int major, int minor, int patch) implements Comparable<CliVersion> {
    /** The oldest CLI planexec supports and tests. */
    static final CliVersion OLDEST = new CliVersion(1, 0, 50);

    /** The newest CLI planexec is tested with, and the one {@code planexec agents install copilot} installs. */
    static final CliVersion NEWEST_TESTED = new CliVersion(1, 0, 102);

    /** What to run to get a tested CLI without touching the user's own. */
    static final String INSTALL = "planexec agents install copilot";

    private static final Pattern BANNER = Pattern.compile("GitHub Copilot CLI (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern PLAIN = Pattern.compile("(?m)^v?(\\d+)\\.(\\d+)\\.(\\d+)\\b");

    /**
     * The version in what {@code copilot --version} printed: {@code GitHub Copilot CLI 1.0.50.}, or a bare
     * {@code 1.0.50} line.
     */
    static Optional<CliVersion> parse(String output) {
        Matcher m = BANNER.matcher(output);
        if (!m.find()) {
            m = PLAIN.matcher(output);
            if (!m.find()) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new CliVersion(
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Not older than {@link #OLDEST}. */
    boolean supported() {
        return compareTo(OLDEST) >= 0;
    }

    /** Newer than {@link #NEWEST_TESTED}: runs, with {@link #untested}. */
    boolean untested() {
        return compareTo(NEWEST_TESTED) > 0;
    }

    /** "1.0.50 to 1.0.102". */
    static String range() {
        return OLDEST + " to " + NEWEST_TESTED;
    }

    /** The one-line notice for a CLI newer than the newest tested. */
    static String untestedNotice(CliVersion version) {
        return "untested Copilot CLI " + version + "; tested up to " + NEWEST_TESTED;
    }

    @Override
    public int compareTo(CliVersion other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c != 0 ? c : Integer.compare(patch, other.patch);
    }

    /** The one-line message for a CLI older than {@link #OLDEST}. */
    static String tooOld(CliVersion version, String cli) {
        return "Copilot CLI " + version + " (" + cli + ") is older than planexec supports (tested: " + range()
                + "): run '" + INSTALL + "', which leaves your own install alone, or update it";
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
