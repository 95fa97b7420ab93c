package dev.planexec.plan;

/**
 * What a plan file may ask of planexec. Each is far above any real plan (a 10,000-task plan is about 5 MiB and
 * nests 5 deep) and low enough that a hostile or broken file is refused at once instead of exhausting memory, the
 * stack or the CPU. The README lists them under "What is refused".
 */
public final class PlanLimits {
    /** The largest plan file read. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    /** How deep objects and arrays may nest. */
    public static final int MAX_DEPTH = 256;

    /** The longest string (field name or value), counted in bytes as written in the file. */
    public static final int MAX_STRING_BYTES = 8 * 1024 * 1024;

    /** The longest number literal, in characters: a longer one costs more to read than any plan needs. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private PlanLimits() {}
}
