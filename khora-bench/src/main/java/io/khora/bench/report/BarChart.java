package io.khora.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A grouped bar chart written as PNG with XChart: one group per category, one bar per series. */
public final class BarChart {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xff7f0e), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
    };

    private final String title;
    private final String yTitle;
    private final List<String> categories;
    private final Map<String, List<Double>> series = new LinkedHashMap<>();
    private boolean logarithmic;

    /** A chart of {@code categories} (the x axis). */
    public BarChart(String title, String yTitle, List<String> categories) {
        this.title = title;
        this.yTitle = yTitle;
        this.categories = List.copyOf(categories);
    }

    /** Adds a series: one value per category, in order; null for no bar in that category. */
    public BarChart series(String name, List<Double> values) {
        if (values.size() != categories.size()) {
            throw new IllegalArgumentException(name + ": " + values.size() + " values for " + categories.size() + " categories");
        }
        series.put(name, Collections.unmodifiableList(new ArrayList<>(values)));
        return this;
    }

    /** Uses a logarithmic y axis (for figures spanning orders of magnitude). */
    public BarChart logarithmic() {
        this.logarithmic = true;
        return this;
    }

    /** Writes the chart to {@code file} (PNG). */
    public void write(Path file, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).yAxisTitle(yTitle).build();
        CategoryStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisLabelRotation(categories.size() > 6 ? 30 : 0);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setSeriesColors(PALETTE);
        styler.setDecimalPattern("#,##0.##");
        if (logarithmic) {
            // bars start at the axis minimum, which must be positive on a log axis
            double min = series.values().stream().flatMap(List::stream).filter(Objects::nonNull).mapToDouble(Double::doubleValue).min()
                    .orElse(1);
            double max = series.values().stream().flatMap(List::stream).filter(Objects::nonNull).mapToDouble(Double::doubleValue).max()
                    .orElse(10);
            styler.setYAxisLogarithmic(true);
            styler.setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-9)))));
            styler.setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1e-9)))));
        }
        series.forEach((name, values) -> chart.addSeries(name, categories, values.stream().map(v -> (Number) v).toList()));
        Files.createDirectories(file.getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
