/*
 * date.c: civil-date arithmetic (days from civil, Howard Hinnant's
 * algorithm, valid for the whole int32 range we use).
 */
#include "date.h"

#include <time.h>

hg_date hg_date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (hg_date)(era * 146097 + (int)doe - 719468);
}

void hg_date_to_ymd(hg_date t, int *y, int *m, int *d)
{
	int z = t + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (mm <= 2);
	*m = (int)mm;
	*d = (int)dd;
}

int hg_days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int hg_date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= hg_days_in_month(y, m);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int hg_date_parse(const char *s, size_t len, int allow_month, hg_date *out, int *precision)
{
	int y, m, d = 1;
	if (len != 10 && !(allow_month && len == 7))
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m))
		return -1;
	if (len == 10 && (s[7] != '-' || digits(s + 8, 2, &d)))
		return -1;
	if (!hg_date_valid_ymd(y, m, d))
		return -1;
	*out = hg_date_from_ymd(y, m, d);
	if (precision)
		*precision = len == 10 ? HG_DATE_DAY : HG_DATE_MONTH;
	return 0;
}

char *hg_date_format(hg_date t, char buf[static 11])
{
	if (t == HG_DATE_NONE) {
		buf[0] = 0;
		return buf;
	}
	int y, m, d;
	hg_date_to_ymd(t, &y, &m, &d);
	unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, dd = (unsigned)d % 100u;
	buf[0] = (char)('0' + yy / 1000);
	buf[1] = (char)('0' + yy / 100 % 10);
	buf[2] = (char)('0' + yy / 10 % 10);
	buf[3] = (char)('0' + yy % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + mm / 10);
	buf[6] = (char)('0' + mm % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + dd / 10);
	buf[9] = (char)('0' + dd % 10);
	buf[10] = 0;
	return buf;
}

hg_date hg_date_add_months(hg_date t, int months)
{
	int y, m, d;
	hg_date_to_ymd(t, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	y = idx / 12;
	m = idx % 12 + 1;
	int dim = hg_days_in_month(y, m);
	return hg_date_from_ymd(y, m, d > dim ? dim : d);
}

hg_date hg_months_ending_start(hg_date end, int months)
{
	return hg_date_add_months(end, -months) + 1;
}

int hg_age_years(hg_date dob, hg_date on)
{
	int y1, m1, d1, y2, m2, d2;
	hg_date_to_ymd(dob, &y1, &m1, &d1);
	hg_date_to_ymd(on, &y2, &m2, &d2);
	int age = y2 - y1;
	if (m2 < m1 || (m2 == m1 && d2 < d1))
		age--;
	return age;
}

hg_date hg_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return hg_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
