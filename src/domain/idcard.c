/* idcard.c — GB 11643 ID numbers. */
#include "domain/idcard.h"

#include <string.h>

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

/* Province-level codes of GB/T 2260 (first two digits). */
static const int provinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
				42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71,
				81, 82, 83};

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

char domain_idcard_check_char(const char *digits17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * weights[i];
	return check_chars[sum % 11];
}

static int province_known(int code)
{
	for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i] == code)
			return 1;
	return 0;
}

static int date_valid(int y, int m, int d, int ty, int tm, int td)
{
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return 0;
	long birth = (long)y * 10000 + m * 100 + d, today = (long)ty * 10000 + tm * 100 + td;
	return birth <= today;
}

idcard_status domain_idcard_parse(const char *s, size_t len, int ty, int tm, int td, idcard *out)
{
	if (len == 15 && all_digits(s, 15))
		return IDCARD_ERR_LEGACY15;
	if (len != 18 || !all_digits(s, 17))
		return IDCARD_ERR_FORMAT;
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!(last == 'X' || (last >= '0' && last <= '9')))
		return IDCARD_ERR_FORMAT;
	if (!province_known(num(s, 2)))
		return IDCARD_ERR_REGION;
	int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
	if (!date_valid(y, m, d, ty, tm, td))
		return IDCARD_ERR_DATE;
	if (domain_idcard_check_char(s) != last)
		return IDCARD_ERR_CHECK;
	memcpy(out->number, s, 17);
	out->number[17] = last;
	out->number[18] = '\0';
	out->birth_year = y;
	out->birth_month = m;
	out->birth_day = d;
	out->male = (s[16] - '0') % 2;
	return IDCARD_OK;
}

const char *domain_idcard_message(idcard_status st)
{
	switch (st) {
	case IDCARD_OK:
		return "身份证号有效";
	case IDCARD_ERR_LEGACY15:
		return "请填写18位身份证号（15位旧号码请换用新身份证号）";
	case IDCARD_ERR_FORMAT:
		return "身份证号应为18位：17位数字加1位数字或字母X";
	case IDCARD_ERR_REGION:
		return "身份证号的地区码不存在，请核对";
	case IDCARD_ERR_DATE:
		return "身份证号中的出生日期无效，请核对";
	case IDCARD_ERR_CHECK:
		return "身份证号校验位不正确，请核对";
	}
	return "身份证号无效";
}

int domain_idcard_age(const idcard *id, int y, int m, int d)
{
	int age = y - id->birth_year;
	if (m < id->birth_month || (m == id->birth_month && d < id->birth_day))
		age--;
	return age;
}

int domain_idcard_upgrade15(const char *s15, size_t len, char out[19])
{
	if (len != 15 || !all_digits(s15, 15))
		return -1;
	memcpy(out, s15, 6);
	out[6] = '1';
	out[7] = '9';
	memcpy(out + 8, s15 + 6, 9);
	out[17] = domain_idcard_check_char(out);
	out[18] = '\0';
	return 0;
}

void domain_idcard_mask(const char *number, char out[19])
{
	size_t n = strlen(number);
	if (n != 18) {
		strcpy(out, "******************");
		return;
	}
	memcpy(out, number, 4);
	memset(out + 4, '*', 10);
	memcpy(out + 14, number + 14, 4);
	out[18] = '\0';
}
