package io.lstmspark.cli;

import io.lstmspark.driver.PassProgress;
import io.lstmspark.driver.RunWatcher;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A run's progress as a live bar on the terminal (stderr), one per pass: windows done and their rate,
 * tasks done of the total, and the time left once it can be estimated. The number of windows a pass
 * will do is not known ahead, so the bar has no end; the tasks tell how far along it is.
 */
final class ProgressBarWatcher implements RunWatcher {

    private ProgressBar bar;
    private String barPass;

    @Override
    public synchronized void progress(PassProgress progress) {
        show(progress);
    }

    @Override
    public synchronized void passEnded(PassProgress last) {
        show(last);
        bar.refresh();
        bar.close();
        bar = null;
    }

    private void show(PassProgress progress) {
        if (bar == null || !progress.pass().equals(barPass)) {
            if (bar != null) {
                bar.close();
            }
            barPass = progress.pass();
            bar = new ProgressBarBuilder().setTaskName(progress.pass() + " pass").setInitialMax(-1)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" windows", 1).showSpeed().hideEta()
                    .setUpdateIntervalMillis(500).build();
        }
        bar.stepTo(progress.windows());
        bar.setExtraMessage(" tasks " + progress.tasksDone() + "/"
                + (progress.tasksTotal() > 0 ? Long.toString(progress.tasksTotal()) : "?")
                + progress.left().map(left -> ", about " + PassProgress.text(left) + " left").orElse(""));
    }
}
