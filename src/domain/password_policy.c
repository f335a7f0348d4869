/* password_policy.c — password rules and the list of common passwords. */
#include "domain/password_policy.h"

#include <stdbool.h>
#include <strings.h>

/* Common passwords that would otherwise pass the letters-and-digits rule (lower case). */
static const char *const common_passwords[] = {
	"password1", "password12", "password123", "passw0rd", "p@ssw0rd", "abc12345",
	"abc123456", "abcd1234", "abcd12345", "a1234567", "a12345678", "a123456789",
	"aa123456", "aa12345678", "qq123456", "qwe12345", "qwe123456", "qwer1234",
	"qwerty123", "qwerty12", "1q2w3e4r", "1qaz2wsx", "q1w2e3r4", "zxc12345",
	"zxc123456", "zxcv1234", "asd12345", "asd123456", "asdf1234", "woaini1314",
	"woaini520", "iloveyou1", "admin123", "admin1234", "admin888", "root1234",
	"test1234", "test123456", "welcome1", "letmein1", "monkey123", "dragon123",
	"123456abc", "123456aa", "12345678a", "123456789a", "1234qwer", "1234abcd",
	"123qwe123", "112233aa", "a1b2c3d4", "abc123abc", "wang1234", "li123456",
	"zhang123", "liu123456", "chen1234", "xiamen123", "gonghui123", "changeme1",
	"trustno1", "baseball1", "football1", "superman1", "sunshine1", "qwertyui1",
};

static size_t utf8_chars(const char *s, size_t len, bool *valid)
{
	size_t n = 0;
	*valid = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			*valid = false;
		if ((c & 0xc0) != 0x80)
			n++;
	}
	return n;
}

password_status domain_password_check(const char *pw, size_t len, const char *phone,
				      const char *id_number)
{
	bool valid;
	size_t chars = utf8_chars(pw, len, &valid);
	if (!valid)
		return PASSWORD_ERR_CHARS;
	if (chars < 8 || chars > 64)
		return PASSWORD_ERR_LENGTH;
	bool letter = false, digit = false;
	for (size_t i = 0; i < len; i++) {
		char c = pw[i];
		letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		digit |= c >= '0' && c <= '9';
	}
	if (!letter || !digit)
		return PASSWORD_ERR_CLASSES;
	for (size_t i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
		if (strcasecmp(pw, common_passwords[i]) == 0)
			return PASSWORD_ERR_COMMON;
	if ((phone && strcasecmp(pw, phone) == 0) || (id_number && strcasecmp(pw, id_number) == 0))
		return PASSWORD_ERR_PERSONAL;
	return PASSWORD_OK;
}

const char *domain_password_message(password_status st)
{
	switch (st) {
	case PASSWORD_OK:
		return "密码符合要求";
	case PASSWORD_ERR_LENGTH:
		return "密码长度应为8–64位";
	case PASSWORD_ERR_CLASSES:
		return "密码须同时包含字母和数字";
	case PASSWORD_ERR_COMMON:
		return "密码过于常见，容易被猜中，请换一个";
	case PASSWORD_ERR_PERSONAL:
		return "密码不能与手机号或身份证号相同";
	case PASSWORD_ERR_CHARS:
		return "密码含有不可用的控制字符";
	}
	return "密码不符合要求";
}
