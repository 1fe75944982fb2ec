/*
 * HTTP dates, RFC 9110 §5.6.7: sent as IMF-fixdate, and all three formats
 * accepted ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37
 * GMT", "Sun Nov  6 08:49:37 1994").  Month and day names are English
 * whatever the locale, so nothing here uses strftime or strptime.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

static const char http_days[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const http_long_days[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};
static const char http_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

char *
http_date_format(time_t t, char *out)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, HTTP_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    http_days[tm.tm_wday], tm.tm_mday, http_months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

/* n digits (exactly) at *sp into *v; advances *sp. */
static int
http_date_digits(const char **sp, int n, int *v)
{
	const char *s = *sp;
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	return 0;
}

static int
http_date_lit(const char **sp, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*sp, lit, n) != 0)
		return -1;
	*sp += n;
	return 0;
}

static int
http_date_month(const char **sp, int *mon)
{
	int i;

	for (i = 0; i < 12; i++) {
		if (strncmp(*sp, http_months[i], 3) == 0) {
			*sp += 3;
			*mon = i;
			return 0;
		}
	}
	return -1;
}

/* "HH:MM:SS" */
static int
http_date_time(const char **sp, struct tm *tm)
{
	if (http_date_digits(sp, 2, &tm->tm_hour) != 0 ||
	    http_date_lit(sp, ":") != 0 ||
	    http_date_digits(sp, 2, &tm->tm_min) != 0 ||
	    http_date_lit(sp, ":") != 0 ||
	    http_date_digits(sp, 2, &tm->tm_sec) != 0)
		return -1;
	return tm->tm_hour < 24 && tm->tm_min < 60 && tm->tm_sec <= 60 ? 0 : -1;
}

/* The day name and what follows it: ", " or " " (asctime); which one. */
static int
http_date_dayname(const char **sp, bool *longform)
{
	int i;

	*longform = false;
	for (i = 0; i < 7; i++) {
		if (http_date_lit(sp, http_long_days[i]) == 0) {
			*longform = true;
			return 0;
		}
		if (http_date_lit(sp, http_days[i]) == 0)
			return 0;
	}
	return -1;
}

/* "06 Nov 1994 08:49:37 GMT" */
static int
http_date_imf(const char *s, struct tm *tm)
{
	if (http_date_digits(&s, 2, &tm->tm_mday) != 0 ||
	    http_date_lit(&s, " ") != 0 || http_date_month(&s, &tm->tm_mon) ||
	    http_date_lit(&s, " ") != 0 ||
	    http_date_digits(&s, 4, &tm->tm_year) != 0 ||
	    http_date_lit(&s, " ") != 0 || http_date_time(&s, tm) != 0 ||
	    strcmp(s, " GMT") != 0)
		return -1;
	tm->tm_year -= 1900;
	return 0;
}

/*
 * "06-Nov-94 08:49:37 GMT": a two-digit year that would be more than 50
 * years in the future is in the past century (RFC 9110 §5.6.7).
 */
static int
http_date_rfc850(const char *s, struct tm *tm, time_t now)
{
	struct tm nowtm;
	int yy, year;

	if (http_date_digits(&s, 2, &tm->tm_mday) != 0 ||
	    http_date_lit(&s, "-") != 0 || http_date_month(&s, &tm->tm_mon) ||
	    http_date_lit(&s, "-") != 0 || http_date_digits(&s, 2, &yy) != 0 ||
	    http_date_lit(&s, " ") != 0 || http_date_time(&s, tm) != 0 ||
	    strcmp(s, " GMT") != 0)
		return -1;
	gmtime_r(&now, &nowtm);
	year = (nowtm.tm_year + 1900) / 100 * 100 + yy;
	if (year > nowtm.tm_year + 1900 + 50)
		year -= 100;
	tm->tm_year = year - 1900;
	return 0;
}

/* "Nov  6 08:49:37 1994" */
static int
http_date_asctime(const char *s, struct tm *tm)
{
	if (http_date_month(&s, &tm->tm_mon) != 0 || http_date_lit(&s, " "))
		return -1;
	if (*s == ' ') {
		s++;
		if (http_date_digits(&s, 1, &tm->tm_mday) != 0)
			return -1;
	} else if (http_date_digits(&s, 2, &tm->tm_mday) != 0)
		return -1;
	if (http_date_lit(&s, " ") != 0 || http_date_time(&s, tm) != 0 ||
	    http_date_lit(&s, " ") != 0 ||
	    http_date_digits(&s, 4, &tm->tm_year) != 0 || *s != '\0')
		return -1;
	tm->tm_year -= 1900;
	return 0;
}

int
http_date_parse(const char *s, time_t *t)
{
	struct tm tm;
	bool longform;
	int rc;

	memset(&tm, 0, sizeof(tm));
	if (http_date_dayname(&s, &longform) != 0)
		return -1;
	if (longform)
		rc = http_date_lit(&s, ", ") == 0 ?
		    http_date_rfc850(s, &tm, time(NULL)) : -1;
	else if (http_date_lit(&s, ", ") == 0)
		rc = http_date_imf(s, &tm);
	else if (http_date_lit(&s, " ") == 0)
		rc = http_date_asctime(s, &tm);
	else
		rc = -1;
	if (rc != 0 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	*t = timegm(&tm);
	return 0;
}
