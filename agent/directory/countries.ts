/** ISO 3166-1 alpha-2 codes (officially assigned). Kept inline: no runtime dependency needed for 249 strings. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Postal code shapes we can check with certainty; other countries are free text. LI uses Swiss NPAs. */
export const POSTAL_CODE_RULES: Readonly<Record<string, { re: RegExp; hint: string; example: string }>> = {
  CH: { re: /^[1-9]\d{3}$/, hint: 'a 4-digit NPA such as 1204', example: '1204' },
  LI: { re: /^94(8[5-9]|9\d)$/, hint: 'a Liechtenstein NPA from 9485 to 9499', example: '9490' },
  FR: { re: /^\d{5}$/, hint: 'a 5-digit code postal such as 74100', example: '74100' },
  DE: { re: /^\d{5}$/, hint: 'a 5-digit PLZ such as 79539', example: '79539' },
  AT: { re: /^[1-9]\d{3}$/, hint: 'a 4-digit PLZ such as 6900', example: '6900' },
  IT: { re: /^\d{5}$/, hint: 'a 5-digit CAP such as 22100', example: '22100' },
};
