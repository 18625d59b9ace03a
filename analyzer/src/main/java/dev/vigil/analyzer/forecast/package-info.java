/**
 * Forecasts, the predictive part: a least squares line through the recent window means of growing
 * ratio series (filesystem utilization and the like) gives a time-to-full; a {@code Forecast} is
 * published when it falls under the horizon ({@link dev.vigil.analyzer.forecast.ForecastPolicy}). A series whose
 * space is freed on a rhythm (a nightly cleanup) is forecast from its cycles' peaks instead, unless the current
 * cycle breaks the rhythm ({@link dev.vigil.analyzer.forecast.Cycles}).
 */
package dev.vigil.analyzer.forecast;
