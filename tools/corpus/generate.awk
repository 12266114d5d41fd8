# Generated dictation material in spoken form: digit strings, numbers, dates, times, money, spelled letters,
# addresses, commands and short answers. Deterministic for a given -v seed=N.
function pick(arr, n) { return arr[int(rand() * n) + 1] }
function num(n,   s) {  # cardinal words for 0..999999
  if (n < 20) return ones[n + 1]
  if (n < 100) return tens[int(n / 10) + 1] (n % 10 ? " " ones[n % 10 + 1] : "")
  if (n < 1000) return ones[int(n / 100) + 1] " hundred" (n % 100 ? " " num(n % 100) : "")
  return num(int(n / 1000)) " thousand" (n % 1000 ? " " num(n % 1000) : "")
}
function year(y) { return y < 2000 || y >= 2010 ? num(int(y / 100)) " " (y % 100 == 0 ? "hundred" : (y % 100 < 10 ? "oh " ones[y % 100 + 1] : num(y % 100))) : num(y) }
BEGIN {
  srand(seed)
  split("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", ones, " ")
  split("x x twenty thirty forty fifty sixty seventy eighty ninety", tens, " ")
  split("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first", ord, " ")
  split("january february march april may june july august september october november december", months, " ")
  split("monday tuesday wednesday thursday friday saturday sunday", days, " ")
  split("a b c d e f g h i j k l m n o p q r s t u v w x y z", letters, " ")
  split("main oak maple pine cedar elm washington lake hill park church river market high spring sunset", streets, " ")
  split("street avenue road drive lane boulevard way court place", kinds, " ")
  split("open close start stop play pause delete save send cancel call find show hide undo redo", verbs, " ")
  split("the file the door the window the music the video the message the email the lights the timer the alarm my calendar the settings the last photo the report the meeting", objects, " ")
  split("yes no okay sure maybe not now go ahead please wait thank you never mind right correct wrong enter erase rubout repeat", answers, " ")
  for (i = 0; i < 40000; i++) {
    r = rand()
    if (r < 0.12) { s = ""; n = 3 + int(rand() * 8); for (k = 0; k < n; k++) s = s (k ? " " : "") ones[int(rand() * 10) + 1]; print s }
    else if (r < 0.22) print num(int(rand() * (rand() < 0.5 ? 100 : 1000000)))
    else if (r < 0.32) print pick(days, 7) " " pick(months, 12) " " ord[int(rand() * 31) + 1] (rand() < 0.5 ? " " year(1900 + int(rand() * 130)) : "")
    else if (r < 0.40) { h = int(rand() * 12) + 1; m = int(rand() * 60); print "at " num(h) (m == 0 ? " o'clock" : m < 10 ? " oh " num(m) : " " num(m)) (rand() < 0.5 ? (rand() < 0.5 ? " a m" : " p m") : "") }
    else if (r < 0.48) { d = int(rand() * 500); c = int(rand() * 100); print num(d) (d == 1 ? " dollar" : " dollars") (c ? " and " num(c) (c == 1 ? " cent" : " cents") : "") }
    else if (r < 0.60) { s = ""; n = 2 + int(rand() * 6); for (k = 0; k < n; k++) s = s (k ? " " : "") pick(letters, 26); print s }
    else if (r < 0.70) print num(1 + int(rand() * 9999)) " " pick(streets, 15) " " pick(kinds, 9) (rand() < 0.4 ? " apartment " num(1 + int(rand() * 40)) : "")
    else if (r < 0.85) print (rand() < 0.3 ? "please " : "") pick(verbs, 16) " " pick(objects, 15) (rand() < 0.3 ? " now" : "")
    else print pick(answers, 21) (rand() < 0.3 ? " " pick(answers, 21) : "")
  }
}
