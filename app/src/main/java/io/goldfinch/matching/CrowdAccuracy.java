package io.goldfinch.matching;

/**
 * Whom the next answer on an item comes from, as far as the value rule ({@link AnswerValue}) can know: a worker of the
 * job's crowd, so as accurate as the job's answers so far on average (each answer counted with its worker's gold
 * accuracy). The item's own answerers are not that guess: an item first answered by a spammer would take his accuracy
 * for the crowd's and stop at once. Until the job has answers, the item's answerers are all there is; they keep a
 * weight of one answer. Thread-safe; plain Java.
 */
public final class CrowdAccuracy {

    private double sum;
    private long answers;

    /** Counts one stored answer by a worker of this accuracy. */
    public synchronized void record(double accuracy) {
        sum += accuracy;
        answers++;
    }

    /** The expected accuracy of the next worker; {@code itemAnswerers} is the mean of the item's answerers. */
    public synchronized double expected(double itemAnswerers) {
        return (sum + itemAnswerers) / (answers + 1);
    }
}
